"""Events, accounts, persons and relations of the demo record, in editorial form (see content.py).

An event is a neutral anchor: title, ACLED type, time interval with precision, place with
precision. Each account is one party's version as an article reports it; characterizations
(char) are that party's, never the event's. Dates are RFC 3339 full-dates; an interval covers
what the article allows and its precision says how exactly the article dates it."""
from content import A000, A001, A002, A003, A004

EVENTS = []
ACCOUNTS = []


def ev(key, title, etype, subtype, start, end, prec, place, where_prec):
    EVENTS.append(dict(key=key, title=title, type=etype, subtype=subtype,
                       time=(start, end, prec), place=(place, where_prec)))


def acc(event, party, sources, narrative, char=None, ctype=None, time=None,
        place=None, initiators=None, targets=None, casualties=None,
        relations=None, cite=None):
    """cite: the sources that back the structured claims (default: all)."""
    ACCOUNTS.append(dict(event=event, party=party, sources=sources,
                         narrative=narrative, char=char, ctype=ctype,
                         time=time, place=place, initiators=initiators,
                         targets=targets, casualties=casualties,
                         relations=relations or [], cite=cite or sources))


def actor(name, inter=None, party=None):
    return (name, inter, party)


AZ = actor('Armed forces of Azerbaijan', 'state-forces', 'gov-az')
AZ_GOV = actor('Government of Azerbaijan', 'state-forces', 'gov-az')
ARM_SIDE = actor('Armenian side (Armenia and the Karabakh Armenian forces)', None, None)

# =============================================================== 2016-2017
ev('ev-2016-04-clashes', 'Armed clashes in and around Karabakh, April 2016',
   'battle', 'armed-clash', '2016-04-01', '2016-04-30', 'month', 'pl-karabakh', 'region')
acc('ev-2016-04-clashes', 'journalist-tamkin', [A004],
    'Foreign Policy, writing in March 2017, recalls fighting in the spring of 2016 that it ranks among the heaviest in the region since the 1994 ceasefire. '
    'It places the fighting in the month before May 2016, when the de facto parliament chose a new ombudsman. '
    'The article does not settle who began it and reports that each side blames the other.',
    char='Some of the heaviest fighting in the region since 1994; responsibility is contested between the sides.',
    time=('2016-04-01', '2016-04-30', 'month'), ctype=('battle', 'armed-clash'))
acc('ev-2016-04-clashes', 'gov-az', [A004],
    'As Foreign Policy reported in March 2017, the Azerbaijani side holds that the fighting of spring 2016 was started by the other side. '
    'The article attributes this position to each side in general terms and quotes no Azerbaijani official on this point.',
    char='The fighting of spring 2016 was begun by the Armenian side (as summarized by Foreign Policy).',
    initiators=[ARM_SIDE], ctype=('battle', 'armed-clash'))
acc('ev-2016-04-clashes', 'nk-authorities', [A004],
    'As Foreign Policy reported in March 2017, the Karabakh Armenian side holds that the fighting of spring 2016 was started by Azerbaijan. '
    'The article attributes this position to each side in general terms and quotes no official of the de facto authorities on this point.',
    char='The fighting of spring 2016 was begun by Azerbaijan (as summarized by Foreign Policy).',
    initiators=[AZ], ctype=('battle', 'armed-clash'))

ev('ev-2016-05-ombudsman', 'Election of a human rights ombudsman by the de facto parliament in Karabakh, May 2016',
   'strategic-development', 'other', '2016-05-01', '2016-05-31', 'month', 'pl-karabakh', 'region')
acc('ev-2016-05-ombudsman', 'journalist-tamkin', [A004],
    'According to Foreign Policy, the parliament of the unrecognized entity in Karabakh voted in May 2016 to make Ruben Melikyan its ombudsman for human rights. '
    'He came from Armenia, and his election followed the spring fighting by about a month.',
    initiators=[actor('Parliament of the de facto authorities', None, 'nk-parliament')])

ev('ev-2016-2017-losses', 'Military casualties along the front in Karabakh, about May 2016 to March 2017',
   'battle', 'armed-clash', '2016-05-01', '2017-03-31', 'month', 'pl-karabakh', 'region')
acc('ev-2016-2017-losses', 'nk-ombudsman', [A004],
    'In an interview with Foreign Policy in March 2017, Ruben Melikyan said that in the preceding ten months 20 soldiers of the Nagorno-Karabakh side had been killed and 95 wounded, '
    'and that he knew the Azerbaijani side had lost people too. He gave no figure for the Azerbaijani side. '
    'He argued that the conflict should not be called frozen while people keep dying.',
    char='"It\'s not frozen": a conflict that keeps killing soldiers, with losses on both sides.',
    time=('2016-05-01', '2017-03-31', 'month'),
    casualties=dict(military=[('Nagorno-Karabakh side', 20, 20, 20)]))

ev('ev-2017-03-aliyev-france', "Azerbaijan's president calls for renewed talks during a visit to France, March 2017",
   'strategic-development', 'other', '2017-03-01', '2017-03-31', 'month', 'pl-france', 'country')
acc('ev-2017-03-aliyev-france', 'gov-az-president', [A004],
    'Speaking in France, a co-chair of the OSCE Minsk Group, President Ilham Aliyev asked that negotiations start again quickly and that Armenia not avoid them. '
    'He said Azerbaijan wants the status quo changed soon, the conflict ended and peace in the region, so that Azerbaijani refugees can go back to their homes. '
    'He noted that France and the other co-chairs, Russia and the United States, were pressing for a settlement.',
    char='Talks must resume without delay; Armenia should stop evading them; the status quo must end so that refugees can return.')
acc('ev-2017-03-aliyev-france', 'nk-ombudsman', [A004],
    'Asked by Foreign Policy about the call for talks, Ruben Melikyan said negotiations and statements would lead nowhere unless Azerbaijan abandoned what he called its Armeniphobia. '
    'He wanted international human rights bodies present in the region and a mechanism to investigate contested incidents, so that the conflict is not only a matter of claim and counter-claim.',
    char='Talks are futile while Azerbaijan keeps its "Armeniphobia"; an independent mechanism should investigate contested incidents.')
acc('ev-2017-03-aliyev-france', 'gov-az-mfa', [A004],
    'Vugar Gurbanov, a counselor at the Embassy of Azerbaijan, told Foreign Policy that the charge of Armeniphobia was Armenian nationalism, '
    'and cited the OSCE co-chairs to the effect that peace cannot be expected without talks. He also said the people of Nagorno-Karabakh deserve a better life.',
    char='Without negotiations there will be no peace; the accusation of Armeniphobia reflects Armenian nationalism.')

ev('ev-2017-03-positions', 'Statements to Foreign Policy on the nature of the Karabakh conflict, March 2017',
   'strategic-development', 'other', '2017-03-01', '2017-03-31', 'month', 'pl-karabakh', 'region')
acc('ev-2017-03-positions', 'gov-az-mfa', [A004],
    "In an e-mail to Foreign Policy, the foreign ministry's spokesperson Hikmat Hajiyev said Armenia had used force against Azerbaijan's sovereignty and territorial integrity and occupied a fifth of its territory, "
    'and that Armenia, through occupation and ethnic cleansing, tries to present the conflict as a question of self-determination for the Armenians of the region. '
    'Embassy counselor Vugar Gurbanov added that Azerbaijanis had been expelled from Nagorno-Karabakh and the areas around it, and that how the territories were occupied matters as much as the occupation itself. '
    'He also said Armenia exploits the issue to stir up politics at home.',
    char='A territorial conflict: occupation of about 20 percent of Azerbaijan by Armenia, accompanied by the expulsion of Azerbaijanis.')
acc('ev-2017-03-positions', 'nk-mfa', [A004],
    "Artak Nersisyan, spokesperson of the de facto foreign ministry, replied to Foreign Policy that the conflict is about self-determination, not territory, "
    'and that Azerbaijan breaks basic norms of international law and undermines the negotiations held under the OSCE Minsk Group.',
    char='A question of self-determination, not a territorial dispute; Azerbaijan undermines the Minsk Group negotiations.')
acc('ev-2017-03-positions', 'nk-ombudsman', [A004],
    'Ruben Melikyan told Foreign Policy that he defends human rights in general rather than the rights of Armenians only, pointing to his help in getting a lawyer of his choice for an Azerbaijani man accused of entering Nagorno-Karabakh to stir unrest. '
    'He said Azerbaijan does not recognize the rights, or the humanity, of the people living there, and that rights must be universal. '
    'He rejected the idea that either side gains politically from the conflict, since people are dying.',
    char='Azerbaijan denies the rights of the people of Nagorno-Karabakh; rights must be universal.')
acc('ev-2017-03-positions', 'journalist-tamkin', [A004],
    'Foreign Policy set the two sides\' statements next to each other and observed that the only point they shared was that things should change. '
    'It described Nagorno-Karabakh as a mostly Armenian-populated region that considers itself a sovereign state but whose independence no state recognizes.',
    char='Talks are called for, but each side finds it hard to hear the other; they agree only that things must change.')

# =============================================================== 2020
ev('ev-2020-war', 'War in and around Karabakh, 2020',
   'battle', None, '2020-01-01', '2020-11-10', 'year', 'pl-karabakh', 'region')
acc('ev-2020-war', 'journalist-klein', [A000],
    'Steven J. Klein, writing in 2021, calls the fighting of late 2020 the Second Karabakh War and describes it as a decisive defeat of Armenia by Azerbaijan. '
    'In his account Azerbaijan regained all the territories around the former autonomous oblast that Armenian forces had held since the 1990s, as well as parts of the former oblast, and Armenia had to withdraw its troops from Azerbaijani territory. '
    'He cautions that a military victory does not by itself resolve the conflict.',
    char='The Second Karabakh War: a decisive Azerbaijani military victory that does not by itself end the conflict.')
acc('ev-2020-war', 'author-a001', [A001],
    'The commentary "Closing the circle" presents the 2020 war as Azerbaijan\'s victory, which to a large degree ended what it calls a nearly thirty-year illegal Armenian occupation. '
    'It notes that Azerbaijan did not gain control of the part of Karabakh where Russian peacekeepers were then deployed.',
    char="Azerbaijan won the Second Karabakh War, ending most of an illegal occupation of nearly thirty years.")
acc('ev-2020-war', 'author-a002', [A002],
    'The commentary on the Lachin crisis refers to the 2020 conflict as a defeat for Armenia after which, in its view, Armenia can no longer challenge Azerbaijan militarily and turns to moral arguments abroad instead.',
    char='Armenia was defeated in the 2020 conflict and lacks the means to press its claims by force.')

ev('ev-2020-strikes', 'Missile strikes on Barda, Ganja, Goranboy, Naftalan and Tartar, 2020',
   'explosion-remote-violence', 'shelling-artillery-missile-attack', '2020-01-01', '2020-11-10', 'year', 'pl-azerbaijan', 'country')
acc('ev-2020-strikes', 'hrw', [A003],
    'As the commentary on the amnesty offer reports it, Human Rights Watch looked into 18 of the strikes on the Azerbaijani cities of Barda, Ganja, Goranboy, Naftalan and Tartar; '
    'in them 40 civilians died and dozens more were injured. The commentary gives neither the title nor the date of the report.',
    ctype=('explosion-remote-violence', 'shelling-artillery-missile-attack'),
    casualties=dict(civilians=(40, 40, 40)))
acc('ev-2020-strikes', 'author-a003', [A003],
    'The commentary on the amnesty offer names the missile attacks on Barda, Ganja, Goranboy, Naftalan and Tartar, cities far from the front line, '
    'and says that Arayik Harutyunyan (spelt Araik Arutunyan there) admitted having given the order. '
    'It argues that those who ordered such attacks should not benefit from an amnesty in the same way as others.',
    char='Missile attacks on Azerbaijani cities far from the front line, ordered by the de facto leadership; those responsible fall outside the amnesty.',
    ctype=('explosion-remote-violence', 'shelling-artillery-missile-attack'),
    initiators=[actor('Leadership of the de facto authorities (Arayik Harutyunyan)', None, 'nk-authorities')],
    targets=[actor('Cities in Azerbaijan far from the front line', 'civilians')])
acc('ev-2020-strikes', 'nk-authorities', [A003],
    'According to the commentary on the amnesty offer, the then leader of the de facto authorities, Arayik Harutyunyan, acknowledged that he had given the order for the attacks on these cities. '
    'The commentary does not report how he described the strikes or their targets.',
    initiators=[actor('Leadership of the de facto authorities (Arayik Harutyunyan)', None, 'nk-authorities')])

for city, cname in [('barda', 'Barda'), ('ganja', 'Ganja'), ('goranboy', 'Goranboy'),
                    ('naftalan', 'Naftalan'), ('tartar', 'Tartar')]:
    ev('ev-2020-strike-' + city, 'Missile strike on %s, 2020' % cname,
       'explosion-remote-violence', 'shelling-artillery-missile-attack', '2020-01-01', '2020-11-10', 'year', 'pl-' + city, 'exact')
    acc('ev-2020-strike-' + city, 'author-a003', [A003],
        '%s is one of the five Azerbaijani cities that the commentary on the amnesty offer lists as targets of missile attacks far from the front line. '
        'The commentary gives no date, number of strikes or casualty figure for %s alone.' % (cname, cname),
        char='A missile attack on a city far from the front line.',
        ctype=('explosion-remote-violence', 'shelling-artillery-missile-attack'),
        relations=[('part-of', 'ev-2020-strikes')])

ev('ev-2020-10-cultural-autonomy', "Azerbaijan's president speaks of cultural autonomy for Karabakh Armenians, October 2020",
   'strategic-development', 'other', '2020-10-01', '2020-10-31', 'month', 'pl-azerbaijan', 'country')
acc('ev-2020-10-cultural-autonomy', 'journalist-klein', [A000],
    'Klein writes that during the war, in October 2020, President Aliyev mentioned cultural autonomy as the most he seemed ready to offer the Armenians of Karabakh, '
    'and that after the victory he ruled out self-government for the region. Klein argues that some form of self-government would make it likelier that they stay.',
    char='Cultural autonomy was mentioned and self-government ruled out, though in Klein\'s view some self-government is needed if the Armenians are to stay.')

ev('ev-2020-11-10-statement', 'Joint statement of the leaders of Azerbaijan, Armenia and Russia, 10 November 2020',
   'strategic-development', 'agreement', '2020-11-10', '2020-11-10', 'day', 'pl-karabakh', 'region')
acc('ev-2020-11-10-statement', 'journalist-klein', [A000],
    'Klein treats the joint statement of the Azerbaijani, Armenian and Russian leaders of 10 November 2020 as the end of the war. '
    'He notes that it gives the Russian peacekeepers a five-year mandate that can be extended only if both Azerbaijan and Armenia agree, and he follows its use of the name Nagorno-Karabakh.',
    char='The agreement that ended the war and brought in Russian peacekeepers for five years.',
    time=('2020-11-10', '2020-11-10', 'day'))
acc('ev-2020-11-10-statement', 'author-a001', [A001, 'src-a001-fn7'],
    '"Closing the circle" cites the statement of 10 November 2020 as the basis on which a Russian peacekeeping contingent was deployed temporarily in part of Karabakh. '
    'It adds that after the war the Lachin road was meant to serve humanitarian purposes only.',
    char='A ceasefire statement under which Russian peacekeepers were deployed temporarily and the Lachin road was reserved for humanitarian use.')
acc('ev-2020-11-10-statement', 'author-a003', [A003],
    'The commentary on the amnesty offer refers to the tripartite statement signed on 10 November 2020 and says that Armenian armed groups remaining in Karabakh are there in breach of it.',
    char='The tripartite statement, which the continued presence of Armenian armed groups violates.')

ev('ev-2020-11-peacekeepers', 'Deployment of Russian peacekeepers in Karabakh, from November 2020',
   'strategic-development', 'headquarters-or-base-established', '2020-11-01', '2020-11-30', 'month', 'pl-karabakh', 'region')
acc('ev-2020-11-peacekeepers', 'journalist-klein', [A000],
    'Klein describes the Russian peacekeepers as protecting the Armenian-held part of the former autonomous oblast and as limiting Azerbaijan\'s military options. '
    'He judges that Russia may stay beyond the five-year mandate, pointing to Georgia in 2008 and Ukraine in 2014, and that Azerbaijan could do little to make it leave.',
    char='A Russian presence that shields the enclave and may outlast its mandate.',
    initiators=[actor('Russian peacekeeping contingent', 'external-other', 'ru-peacekeepers')],
    relations=[('in-response-to', 'ev-2020-11-10-statement')])
acc('ev-2020-11-peacekeepers', 'author-a003', [A003],
    'The commentary on the amnesty offer puts the word peacekeepers in quotation marks and accuses the Russian contingent of obstructing the dialogue between Baku and the Karabakh Armenians by backing the local administration instead of keeping the peace.',
    char='So-called peacekeepers who sabotage the dialogue by supporting an illegal administration.')

# =============================================================== 2021
ev('ev-2021-01-trilateral-talks', 'Talks of the leaders of Azerbaijan, Russia and Armenia, January 2021',
   'strategic-development', 'agreement', '2021-01-01', '2021-01-31', 'month', 'pl-karabakh', 'region')
acc('ev-2021-01-trilateral-talks', 'journalist-klein', [A000],
    'Klein reports that President Aliyev met Russia\'s President Vladimir Putin and Armenia\'s Prime Minister Nikol Pashinyan together in January 2021, '
    'and that the three agreed on a high-level working group of their governments. He takes this as a sign that Azerbaijan\'s relations with Armenia and Russia are easier to manage than those with the Karabakh Armenians.',
    char="Evidence that Azerbaijan's relations with Armenia and Russia are the easier ones to manage.")

ev('ev-2021-03-zatulin', 'Meeting of a Russian State Duma deputy with members of the de facto parliament, March 2021',
   'strategic-development', 'other', '2021-03-01', '2021-03-31', 'month', 'pl-karabakh', 'region')
acc('ev-2021-03-zatulin', 'journalist-klein', [A000],
    'Klein reports that in March 2021 Konstantin Zatulin, a Duma deputy of the United Russia party, met two deputies of the unrecognized Karabakh parliament with the aim of building relations between the two legislatures. '
    'He does not say where they met. In his view such a step needed the Kremlin\'s consent and shows Russia positioning itself as the patron of the enclave.',
    char='A sign that Russia is making itself the patron of Nagorno-Karabakh.',
    initiators=[actor('Konstantin Zatulin, State Duma deputy', None, 'ru-duma')])

ev('ev-2021-04-moscow-talks', 'Reported unofficial talks in Moscow with the de facto president of Karabakh, April 2021',
   'strategic-development', 'other', '2021-04-01', '2021-04-30', 'month', 'pl-moscow', 'exact')
acc('ev-2021-04-moscow-talks', 'journalist-klein', [A000],
    'Klein writes that in April 2021 Moscow reportedly called Arayik Harutyunyan, the self-declared president of the entity, in for unofficial talks, '
    'reportedly to reproach him for following Prime Minister Pashinyan too closely. He notes that Russia does not officially recognize the entity.',
    char='Reported pressure from Moscow on the de facto leadership, part of a Russian protectorate in the making.',
    initiators=[actor('Government of Russia', 'external-other', 'ru-gov')])

ev('ev-2021-04-baku-conference', 'Conference "New Vision for South Caucasus" in Baku, April 2021',
   'strategic-development', 'other', '2021-04-01', '2021-04-30', 'month', 'pl-baku', 'exact')
acc('ev-2021-04-baku-conference', 'gov-az-president', [A000],
    'As Klein reports, President Aliyev told the conference, organized by ADA University and the AIRCenter under the title "New Vision for South Caucasus: Post-Conflict Development and Cooperation", '
    'that Azerbaijan was committed to settling the remaining issues by negotiation and to reintegrating the Armenians of Karabakh in peace and reconciliation. '
    'He kept force in reserve only for the case that Armenia chose belligerence. He has also said he regards the Karabakh Armenians as citizens of Azerbaijan.',
    char='Negotiation first and peaceful reintegration of Karabakh Armenians as Azerbaijani citizens; force only if Armenia turns belligerent.')
acc('ev-2021-04-baku-conference', 'journalist-klein', [A000],
    'Klein says he takes the President\'s statements at this conference at face value, while noting that outsiders cannot know whether a leader\'s words of peace are sincere. '
    'He argues that Azerbaijan must back such words with deeds, as the Karabakh Armenians are likely to read an offer of citizenship as a trap.',
    char='Welcome commitments that need consistent messages and practical steps to be believed.')

ev('ev-2021-04-vaccine', 'Donation of Sputnik V vaccine by Russia to Karabakh, late April 2021',
   'strategic-development', 'other', '2021-04-01', '2021-04-30', 'month', 'pl-karabakh', 'region')
acc('ev-2021-04-vaccine', 'journalist-klein', [A000],
    'Klein reports that late in April 2021 Russia gave the enclave 15,000 doses of the Russian Sputnik V COVID-19 vaccine, '
    'and counts this among the steps that present Russia as the protector of Nagorno-Karabakh.',
    char='Aid that casts Russia as the protector of the enclave.')

ev('ev-2021-06-am-election', 'Parliamentary elections in Armenia, June 2021',
   'strategic-development', 'other', '2021-06-01', '2021-06-30', 'month', 'pl-armenia', 'country')
acc('ev-2021-06-am-election', 'author-a002', [A002],
    'The commentary on the Lachin crisis refers to the elections of 2021 in Armenia, after which the National Assembly endorsed the programme of Prime Minister Pashinyan\'s government.',
    time=('2021-01-01', '2021-12-31', 'year'))
acc('ev-2021-06-am-election', 'journalist-klein', [A000],
    'Writing before the vote, Klein mentions the parliamentary election due in Armenia in June 2021 and expects the country\'s political disarray to continue after it.',
    char='An election held in political disarray after the military defeat.')

ev('ev-2021-am-programme', "Endorsement of the Armenian government's programme by the National Assembly, 2021",
   'strategic-development', 'other', '2021-01-01', '2021-12-31', 'year', 'pl-armenia', 'country')
acc('ev-2021-am-programme', 'author-a002', [A002],
    'According to the commentary on the Lachin crisis, the programme of Pashinyan\'s government endorsed by the National Assembly after the 2021 elections contains a provision that obliges the government to secure for the Karabakh Armenians a right to remedial secession. '
    'The commentary argues that Armenia\'s later recognition of Karabakh as part of Azerbaijan is consistent with this aim rather than a departure from it.',
    char='A programme committing Armenia to remedial secession for Karabakh, which drives its later diplomacy.',
    initiators=[actor('National Assembly of Armenia', None, 'gov-am-assembly')],
    relations=[('after', 'ev-2021-06-am-election')])

ev('ev-2021-07-07-regions-decree', "Presidential decree on a new division of Azerbaijan's economic regions, 7 July 2021",
   'strategic-development', 'other', '2021-07-07', '2021-07-07', 'day', 'pl-azerbaijan', 'country')
acc('ev-2021-07-07-regions-decree', 'author-a001', [A001],
    '"Closing the circle" notes that a presidential decree of 7 July 2021, "On the New Division of the Azerbaijani Republic\'s Regions", created the Karabakh and East Zangazur economic regions together with twelve others. '
    'It gives as the purpose the reintegration of the areas regained in 2020 into the national economy and more efficient economic management.',
    char='An administrative step to reintegrate the liberated territories.')

ev('ev-2021-09-balasanyan', 'Izaura Balasanyan stopped by Russian peacekeepers and handed to local security services, September 2021',
   'strategic-development', 'arrests', '2021-09-01', '2021-09-30', 'month', 'pl-karabakh', 'region')
acc('ev-2021-09-balasanyan', 'author-a002', [A002],
    'The commentary on the Lachin crisis tells of Izaura Balasanyan, a woman who in September 2021, in need and under pressure from her landlord, tried to leave the Armenian-controlled area for the Azerbaijani-controlled side. '
    'Russian peacekeepers stopped her and handed her to the local Armenian security services. The commentary says nothing has been known of her since and that no international institution has taken up her case. '
    'It counts her among people it describes as held hostage by radical nationalism.',
    char='A civilian held hostage by radical nationalism, whose fate no one has examined.',
    ctype=('violence-against-civilians', 'abduction-forced-disappearance'),
    initiators=[actor('Russian peacekeepers', 'external-other', 'ru-peacekeepers'),
                actor('Local Armenian security services', None, 'nk-authorities')],
    targets=[actor('Izaura Balasanyan', 'civilians')])

# =============================================================== 2022
ev('ev-2022-08-icrc-samples', 'ICRC collects samples from families of missing Azerbaijani citizens, August 2022',
   'strategic-development', 'other', '2022-08-01', '2022-08-31', 'month', 'pl-azerbaijan', 'country')
acc('ev-2022-08-icrc-samples', 'author-a001', [A001, 'src-a001-fn4'],
    '"Closing the circle" states that 3,890 Azerbaijani citizens, among them 71 children, 267 women and 326 elderly people, are still missing from the First Karabakh War. '
    'For this figure it cites a Caspian News report of 29 August 2022 on the International Committee of the Red Cross collecting samples from relatives of the missing for possible exhumations.',
    char='The missing of the First Karabakh War are among the unheard victims of Armenian aggression.',
    initiators=[actor('International Committee of the Red Cross', None, 'icrc')])

ev('ev-2022-washington-dialogue', 'Agreement in Washington to start a dialogue between Baku and the Karabakh Armenians, 2022',
   'strategic-development', 'agreement', '2022-01-01', '2022-12-31', 'year', 'pl-washington', 'exact')
acc('ev-2022-washington-dialogue', 'author-a002', [A002],
    'The commentary on the Lachin crisis reports that in 2022, with US mediation in Washington, Armenia and Azerbaijan agreed to begin a dialogue on reintegration between Baku and the Karabakh Armenians. '
    'It says that Moscow then sent Ruben Vardanyan to the region to undermine that dialogue.',
    char='A US-brokered opening for reintegration talks, soon undercut by Moscow.')

ev('ev-2022-recognition', "Armenia's prime minister recognizes Karabakh as part of Azerbaijan, 2022-2023",
   'strategic-development', 'agreement', '2022-01-01', '2023-12-31', 'year', 'pl-armenia', 'country')
acc('ev-2022-recognition', 'author-a002', [A002],
    'The commentary on the Lachin crisis says Prime Minister Nikol Pashinyan recognized Karabakh as part of Azerbaijan about two years after the 2020 war, with mediation from Brussels and Washington, '
    'and calls it a positive step that the later tension around the Lachin road put at risk. It argues that the recognition does not contradict what it sees as the Armenian government\'s goal of remedial secession.',
    char='A welcome recognition, though in this reading still compatible with a strategy of remedial secession.')
acc('ev-2022-recognition', 'author-a003', [A003],
    'The commentary on the amnesty offer says that Armenia and the international community have recognized Karabakh as Azerbaijani territory, which it says left the local structures isolated.',
    char='Recognition that left the structures in Karabakh without outside support.')

ev('ev-2022-11-vardanyan', 'Appointment of Ruben Vardanyan as state minister of the de facto authorities, early November 2022',
   'strategic-development', 'other', '2022-11-01', '2022-11-30', 'month', 'pl-karabakh', 'region')
acc('ev-2022-11-vardanyan', 'author-a001', [A001],
    '"Closing the circle" reports that Arayik Harutyunyan, leader of the de facto authorities, appointed Ruben Vardanyan, a businessman formerly based in Moscow, to the post it calls so-called state minister in early November 2022.',
    char='A former Moscow-based oligarch given a post in the separatist regime.',
    initiators=[actor('Arayik Harutyunyan, leader of the de facto authorities', None, 'nk-authorities')])
acc('ev-2022-11-vardanyan', 'author-a002', [A002],
    'The commentary on the Lachin crisis says Moscow sent Vardanyan, who it says has no roots in Karabakh, right after the Washington agreement in order to undermine the reintegration dialogue, '
    'that he removed supporters of dialogue from the local administration, and that even after his resignation he and Russia kept to the same course.',
    char='A Russian move to derail reintegration talks.',
    initiators=[actor('Government of Russia', 'external-other', 'ru-gov')],
    relations=[('after', 'ev-2022-washington-dialogue')])

# =============================================================== Lachin road 2022-2023
ev('ev-lachin-road', 'Passage on the Lachin road, December 2022 to September 2023',
   'strategic-development', 'other', '2022-12-12', '2023-09-30', 'month', 'pl-lachin-road', 'near')
acc('ev-lachin-road', 'gov-az', [A002],
    'As the commentary on the Lachin crisis reports, Azerbaijan maintained that the road had been used for illicit purposes, among them smuggling mines, weapons and people linked to the Iranian Revolutionary Guard Corps. '
    'In the same account Azerbaijan limited the operation of its checkpoint on the road after an incident in June 2023 and did not let an Armenian aid convoy through in July.',
    char='A road misused for smuggling mines, weapons and people, which Azerbaijan had to control.')
acc('ev-lachin-road', 'nk-authorities', [A001],
    'As "Closing the circle" reports, from 12 December 2022 Ruben Vardanyan, then state minister of the de facto authorities, held Azerbaijan responsible for blocking the Lachin-Khankendi road and warned of a looming humanitarian crisis.',
    char='A blockade by Azerbaijan of the only road to Armenia, threatening a humanitarian crisis.',
    initiators=[AZ_GOV])
acc('ev-lachin-road', 'gov-am', [A002],
    'As the commentary on the Lachin crisis reports it, the Armenian government presented the situation in Karabakh as an urgent humanitarian problem, sent an aid convoy in July 2023 and brought the matter to the UN Security Council.',
    char='A humanitarian emergency in Karabakh that needed the attention of the UN Security Council.',
    initiators=[AZ_GOV])
acc('ev-lachin-road', 'author-a001', [A001],
    '"Closing the circle" holds that after the 2020 war the road was meant for humanitarian use only, but that it was misused, as before the war, for exploiting natural resources, bringing in weapons, military equipment and mines, rotating armed formations and bringing in citizens of third countries; '
    'it adds that mines made in Armenia in 2021 were found in Saribaba, Girkhgiz and other areas, so that stopping non-humanitarian use of the road was a matter of security. '
    'It says vehicles of the Russian peacekeepers, many cars and trucks of the International Committee of the Red Cross and other humanitarian vehicles crossed the protest area every day, calls the blocking of the road "alleged", '
    'and sees the checkpoint of 23 April 2023 as the end of the illegal activities on the road.',
    char='Peaceful protests, not a blockade: humanitarian traffic kept moving daily, and control of a misused road was a security need.')
acc('ev-lachin-road', 'author-a002', [A002],
    'The commentary on the Lachin crisis argues that Armenia used humanitarian concerns for propaganda and to build the case that Karabakh Armenians cannot live under Azerbaijani rule, '
    'and that this serves the idea of remedial secession. It reports competing social-media images of hardship and of prosperity in Karabakh.',
    char='A "Lachin crisis" exploited by Armenia to portray a humanitarian emergency.')

ev('ev-2022-12-12-road-gathering', 'Gathering on the Lachin road begins, 12 December 2022',
   'strategic-development', 'other', '2022-12-12', '2022-12-12', 'day', 'pl-lachin-road', 'near')
acc('ev-2022-12-12-road-gathering', 'author-a001', [A001],
    '"Closing the circle" says that on 12 December 2022 Azerbaijani environmental activists and NGOs began peaceful protests on the Lachin-Khankendi road, '
    'because Azerbaijani experts had no access to monitor what it calls illegal mining at the Gizilbulagh gold and Damirli copper-molybdenum deposits, which lie in the area of the Russian peacekeepers.',
    char='A peaceful environmental protest against illegal mining.',
    ctype=('protest', 'peaceful-protest'),
    initiators=[actor('Azerbaijani environmental activists and NGOs', 'protesters', 'az-road-activists')],
    relations=[('part-of', 'ev-lachin-road')])
acc('ev-2022-12-12-road-gathering', 'az-road-activists', [A001, 'src-a001-fn8'],
    'A protester quoted by Trend.az on 12 December 2022, in a report cited by "Closing the circle", said that Azerbaijan\'s mineral deposits in Karabakh were being plundered by Armenians.',
    char='A protest against the plundering of Azerbaijan\'s mineral deposits in Karabakh.',
    ctype=('protest', 'peaceful-protest'),
    initiators=[actor('Azerbaijani environmental activists and NGOs', 'protesters', 'az-road-activists')])
acc('ev-2022-12-12-road-gathering', 'nk-authorities', [A001],
    'As "Closing the circle" reports, Ruben Vardanyan, state minister of the de facto authorities, said from this date that Azerbaijan was blocking the Lachin-Khankendi road and that a humanitarian crisis was at risk.',
    char='The start of a blockade of the road by Azerbaijan.',
    ctype=('strategic-development', 'other'),
    initiators=[AZ_GOV])

# =============================================================== 2023
ev('ev-2023-03-01-khojaly-meeting', "Meeting of Azerbaijan's representatives and Karabakh Armenian representatives in Khojaly / Ivanyan, 1 March 2023",
   'strategic-development', 'other', '2023-03-01', '2023-03-01', 'day', 'pl-khojaly', 'exact')
acc('ev-2023-03-01-khojaly-meeting', 'author-a001', [A001],
    '"Closing the circle" reports that the first meeting between representatives of Azerbaijan and of the Karabakh Armenians was held on 1 March 2023 at the headquarters of the Russian peacekeepers in Khojaly.',
    char='A first direct contact, held under Russian mediation.')

ev('ev-2023-03-baku-invitations', 'Invitations by the Presidential Administration of Azerbaijan to talks in Baku, 13 and 27 March 2023',
   'strategic-development', 'other', '2023-03-13', '2023-03-27', 'day', 'pl-baku', 'exact')
acc('ev-2023-03-baku-invitations', 'author-a001', [A001],
    '"Closing the circle" reports that the Presidential Administration of Azerbaijan invited the representatives of the Karabakh Armenians on Twitter, on 13 and on 27 March 2023, to come to Baku for direct talks, '
    'and that they declined, preferring another meeting in Khojaly with Russian peacekeepers as mediators.',
    char='Invitations to direct talks that the Karabakh Armenian side turned down.')
acc('ev-2023-03-baku-invitations', 'author-a003', [A003],
    'The commentary on the amnesty offer says Azerbaijan named a special envoy to handle the reintegration of Karabakh\'s Armenians and twice asked them to come to Baku and talk about their concerns, and that they refused both times.',
    char='Two refused invitations to Baku.')

ev('ev-2023-04-23-checkpoint', 'Checkpoint set up on the Lachin road at the border with Armenia, 23 April 2023',
   'strategic-development', 'headquarters-or-base-established', '2023-04-23', '2023-04-23', 'day', 'pl-lachin-checkpoint', 'exact')
acc('ev-2023-04-23-checkpoint', 'author-a001', [A001],
    '"Closing the circle" says Azerbaijan set up a customs and border checkpoint on the Lachin road at the delimited state border with Armenia on 23 April 2023, and that it put an end to the illegal activities on the road. '
    'It adds that this was the last section of the border with Armenia left in limbo since Lachin, the first district outside the former autonomous oblast to be taken, was seized in 1992.',
    char='A customs and border checkpoint at the delimited state border that ended illegal activity on the road and completed the restoration of Azerbaijan\'s territorial integrity.',
    initiators=[AZ_GOV],
    relations=[('part-of', 'ev-lachin-road')])
acc('ev-2023-04-23-checkpoint', 'author-a002', [A002],
    'The commentary on the Lachin crisis says Azerbaijan placed the checkpoint at a strategic point in Lachin on the internationally recognized border, on the only road joining the Armenian-populated area of Karabakh to Armenia, '
    'and that traffic at first went on without major disruption.',
    char='A strategically placed checkpoint on the sole road to Armenia, at first without disruption.',
    initiators=[AZ_GOV],
    relations=[('part-of', 'ev-lachin-road')])

ev('ev-2023-05-28-amnesty', "Azerbaijan's president speaks of an amnesty in Lachin, 28 May 2023",
   'strategic-development', 'other', '2023-05-28', '2023-05-28', 'day', 'pl-lachin', 'exact')
acc('ev-2023-05-28-amnesty', 'gov-az-president', [A003],
    'As the commentary on the amnesty offer reports, President Ilham Aliyev said during a visit to Lachin on 28 May that an amnesty for Karabakh\'s Armenians was possible, under conditions: '
    'the local parliament must dissolve itself, the person calling himself president must surrender, and all ministers and officials must give up their posts and apply for Azerbaijani citizenship. '
    'He has said that the rights and security of Armenians in Karabakh are guaranteed by Azerbaijan\'s laws and international agreements.',
    char='An offer of amnesty, on the condition that the de facto institutions dissolve and their officials accept Azerbaijani citizenship.')
acc('ev-2023-05-28-amnesty', 'us-state-department', [A003],
    'As the commentary on the amnesty offer reports, State Department spokesperson Matthew Miller welcomed President Aliyev\'s recent remarks about considering an amnesty.',
    char='A welcome step.')
acc('ev-2023-05-28-amnesty', 'eu-council-president', [A003],
    'As the commentary on the amnesty offer reports, Charles Michel, President of the European Council, said on Twitter that it was important to avoid maximalist positions and to aim for dialogue. '
    'The commentary presents the message as addressed to those in Karabakh who demand independence or a special status.',
    char='All should avoid maximalist positions and seek dialogue.')
acc('ev-2023-05-28-amnesty', 'nk-authorities', [A003],
    'As the commentary on the amnesty offer reports, the leaders of the Karabakh Armenians again rejected the offer and asked Russia for support against Azerbaijan, which Moscow did not give.',
    char='The offer was rejected.')
acc('ev-2023-05-28-amnesty', 'ruben-vardanyan', [A003],
    'As the commentary on the amnesty offer reports, Ruben Vardanyan stated that the Armenian residents of Karabakh would not accept President Aliyev\'s offer.',
    char='An offer the Armenian residents will not accept.')
acc('ev-2023-05-28-amnesty', 'author-a003', [A003],
    'The commentary sees the amnesty as the best offer available to three groups: the officials of the de facto structure, civilians whose loyalty it says the military leadership captured, and members of armed groups not involved in war crimes, who could leave after giving up their weapons. '
    'Those who ordered the missile attacks on Azerbaijani cities would be treated differently. It says the local structures refused the hand of peace once more.',
    char='A hand of peace extended by Azerbaijan and pushed away by illegal structures.')

ev('ev-2023-06-kvien', 'Remarks by the US ambassador to Armenia on the future of Karabakh Armenians, June 2023',
   'strategic-development', 'other', '2023-06-01', '2023-06-10', 'week', 'pl-armenia', 'country')
acc('ev-2023-06-kvien', 'us-state-department', [A002],
    'As the commentary on the Lachin crisis reports, Kristina Kvien, US ambassador to Armenia, said at the beginning of June that Karabakh Armenians could live securely under Azerbaijani governance. '
    'The next day she clarified that the United States does not prejudge how negotiations on Nagorno-Karabakh\'s future will end.',
    char='First a statement that coexistence under Azerbaijan is possible, then that the US does not presuppose the outcome of negotiations.')
acc('ev-2023-06-kvien', 'author-a002', [A002],
    'The commentary on the Lachin crisis says the ambassador\'s first remark met strong criticism in Armenia, even after Armenia had recognized Karabakh as part of Azerbaijan, and that this criticism made her walk it back the following day.',
    char='A statement walked back after a backlash in Armenia.')

ev('ev-2023-06-15-checkpoint-incident', 'Incident at the Lachin road checkpoint, 15 June 2023',
   'strategic-development', 'other', '2023-06-15', '2023-06-15', 'day', 'pl-lachin-checkpoint', 'exact')
acc('ev-2023-06-15-checkpoint-incident', 'author-a002', [A002],
    'The commentary on the Lachin crisis says tensions rose after an attack on the checkpoint on 15 June. It does not say who carried it out or whether anyone was hurt.',
    char='An attack on the Azerbaijani checkpoint.',
    relations=[('part-of', 'ev-lachin-road')])

ev('ev-2023-06-restrictions', 'Restrictions on passage through the Lachin checkpoint, from 15 June 2023',
   'strategic-development', 'other', '2023-06-15', '2023-06-30', 'month', 'pl-lachin-checkpoint', 'exact')
acc('ev-2023-06-restrictions', 'author-a002', [A002],
    'According to the commentary on the Lachin crisis, after the incident of 15 June Azerbaijan limited the operation of the checkpoint. It does not describe the limits.',
    char='Limits imposed in reaction to an attack.',
    initiators=[AZ_GOV],
    relations=[('in-response-to', 'ev-2023-06-15-checkpoint-incident'), ('part-of', 'ev-lachin-road')])

ev('ev-2023-07-26-convoy', 'Convoy of 19 trucks sent by the Armenian government not admitted, 26 July 2023',
   'strategic-development', 'other', '2023-07-26', '2023-07-26', 'day', 'pl-lachin-road', 'near')
acc('ev-2023-07-26-convoy', 'gov-am', [A002],
    'As the commentary on the Lachin crisis reports, the Armenian government sent a convoy of nineteen trucks with humanitarian aid for Karabakh on 26 July and was refused entry by Azerbaijan; '
    'Armenia then brought the matter before the UN Security Council.',
    char='Humanitarian aid for Karabakh, refused entry by Azerbaijan.',
    initiators=[AZ_GOV],
    relations=[('part-of', 'ev-lachin-road')])
acc('ev-2023-07-26-convoy', 'gov-az', [A002],
    'As the commentary on the Lachin crisis reports, Azerbaijan did not let the convoy enter the region. It maintained that the road had been used to smuggle mines, weapons and people linked to the Iranian Revolutionary Guard Corps.',
    char='Entry was refused on a road Azerbaijan says had been used for smuggling.',
    initiators=[AZ_GOV],
    relations=[('part-of', 'ev-lachin-road')])
acc('ev-2023-07-26-convoy', 'author-a002', [A002],
    'The commentary on the Lachin crisis calls the convoy a pretext that allowed Armenia to use humanitarian issues as an instrument and to take them to the Security Council.',
    char='A pretext for instrumentalizing humanitarian issues.',
    relations=[('part-of', 'ev-lachin-road')])

ev('ev-2023-08-16-unsc', 'UN Security Council meeting on the situation in Karabakh, 16 August 2023',
   'strategic-development', 'other', '2023-08-16', '2023-08-16', 'day', 'pl-un-hq', 'exact')
acc('ev-2023-08-16-unsc', 'gov-am-mfa', [A002],
    'As the commentary on the Lachin crisis reports, Armenia brought the situation before the Security Council, and its foreign minister showed the members pictures of children in distress.',
    char='Images of children in distress as evidence of a humanitarian emergency in Karabakh.',
    relations=[('in-response-to', 'ev-2023-07-26-convoy')])
acc('ev-2023-08-16-unsc', 'gov-az-mfa', [A002],
    'As the commentary on the Lachin crisis reports, Azerbaijan\'s ambassador answered with photographs of cheerful, well-supplied daily life in Karabakh.',
    char='Photographs of joyful, well-supplied life in Karabakh, set against the claims of a humanitarian emergency.')
acc('ev-2023-08-16-unsc', 'author-a002', [A002],
    'The commentary on the Lachin crisis says some speakers at the meeting advised against using humanitarian concerns as political leverage, '
    'and that before the session a costly international media campaign, involving politicians, celebrities and Luis Moreno Ocampo, had tried to sway opinion in Armenia\'s favour.',
    char='The peak of a clash of narratives, prepared by a pro-Armenian media campaign.')

ev('ev-2023-08-29-aghdam-trucks', 'Two Azerbaijan Red Crescent trucks with flour on the Aghdam road, 29 August 2023',
   'strategic-development', 'other', '2023-08-29', '2023-08-29', 'day', 'pl-aghdam-road', 'near')
acc('ev-2023-08-29-aghdam-trucks', 'az-red-crescent', [A002],
    'As the commentary on the Lachin crisis reports, the Azerbaijan Red Crescent Society sent two trucks of flour for the Armenian residents of Karabakh by the Aghdam road on 29 August.',
    char='Flour for the Armenian residents of Karabakh by the Aghdam road.')
acc('ev-2023-08-29-aghdam-trucks', 'author-a002', [A002],
    'The commentary on the Lachin crisis presents the delivery as an attempt to break the deadlock and to answer fears that aid would be manipulated, '
    'and says the trucks were stopped by concrete barriers put up by people linked to radical groups who insist that only the Lachin road be used.',
    char='A good-faith delivery blocked by radicals who reject any route but Lachin.',
    initiators=[actor('People linked to radical groups opposed to the Aghdam route', None, None)],
    relations=[('part-of', 'ev-lachin-road')])

ev('ev-2023-09-eu-routes', 'Statement by the spokesperson of the European Council President on the Aghdam and Lachin routes, late August or early September 2023',
   'strategic-development', 'other', '2023-08-30', '2023-09-10', 'week', 'pl-karabakh', 'region')
acc('ev-2023-09-eu-routes', 'eu-council-president', [A002],
    'As the commentary on the Lachin crisis reports, a few days after 29 August the spokesperson of European Council President Charles Michel stressed a step-by-step approach: '
    'a carefully sequenced operation leading to full use of both the Aghdam and the Lachin routes.',
    char='Both routes should be used, in a carefully sequenced, step-by-step way.',
    relations=[('after', 'ev-2023-08-29-aghdam-trucks')])

ev('ev-2023-social-media', 'Competing social-media images of living conditions in Karabakh, 2023',
   'strategic-development', 'other', '2023-01-01', '2023-12-31', 'year', 'pl-karabakh', 'region')
acc('ev-2023-social-media', 'author-a002', [A002],
    'The commentary on the Lachin crisis describes a contest on social media: Armenian users stress the pressing humanitarian situation, while Azerbaijani users share recent videos of Armenians in Karabakh at weddings, restaurant celebrations and gatherings. '
    'It says the contest peaked at the Security Council session of 16 August.',
    char='Armenian claims of hardship contradicted by videos of prosperity.')
acc('ev-2023-social-media', 'nk-ombudsman', [A002],
    'As the commentary on the Lachin crisis reports, Gegham Stepanyan, the Human Rights Defender in Karabakh, advised people to hold back from sharing videos of happy occasions such as weddings, and not to spread videos showing lavish lifestyles. '
    'The commentary reads this as evidence that such images clash with the official account.',
    char='Advice on which videos to share (as reported by a critic).')

ev('ev-2023-09-19-operation', 'Military operation in Karabakh, 19-20 September 2023',
   'battle', None, '2023-09-19', '2023-09-20', 'day', 'pl-karabakh', 'region')
acc('ev-2023-09-19-operation', 'gov-az-mfa', [A001, 'src-a001-fn10'],
    'Azerbaijan\'s Ministry of Foreign Affairs, as quoted in "Closing the circle" from an Azertag report of 22 September 2023 on its reply to a statement by Josep Borrell, said the measures were legitimate, directed against Armenian military forces it calls illegal on Azerbaijan\'s sovereign territory, and meant to forestall further provocations and attacks.',
    char='"Legitimate measures to eliminate illegal Armenian military forces" on its sovereign territory, taken to prevent further provocations and attacks.',
    ctype=('battle', None),
    initiators=[AZ],
    targets=[actor('Armenian armed formations in Karabakh', None, None)])
acc('ev-2023-09-19-operation', 'gov-am', [A001],
    'As "Closing the circle" reports, Armenia placed the operation of 19-20 September within the charge that Azerbaijan intended the ethnic cleansing of the Armenians of Karabakh.',
    char='Part of an ethnic cleansing of the Armenians of Karabakh.',
    initiators=[AZ],
    targets=[actor('Armenians of Karabakh', 'civilians')])
acc('ev-2023-09-19-operation', 'author-a001', [A001],
    '"Closing the circle" calls the operation localized anti-terrorist activities whose main purpose was to destroy legitimate military targets, not civilians, and says that it ended with the armed formations it calls illegal disarmed and dissolved and with Armenia\'s forces consenting to withdraw from Azerbaijan. '
    'It rejects the ethnic-cleansing charge as an old narrative used falsely.',
    char='Localized anti-terrorist activities that ended illegal armed formations; the ethnic-cleansing charge is fictitious.',
    initiators=[AZ])

ev('ev-2023-09-20-address', "Address to the nation by Azerbaijan's president, 20 September 2023",
   'strategic-development', 'other', '2023-09-20', '2023-09-20', 'day', 'pl-azerbaijan', 'country')
acc('ev-2023-09-20-address', 'gov-az-president', [A001, 'src-a001-fn17'],
    'In his address of 20 September 2023, as quoted in "Closing the circle", President Aliyev said Armenia must give up revanchist ideas and can be sure that Azerbaijan has no designs on its land, '
    'that Azerbaijan recognizes the territorial integrity of Armenia and of all countries, and that the Armenian government\'s position gave hope of a peace treaty soon and of cooperation among the countries of the South Caucasus.',
    char='Hope for a peace treaty; mutual recognition of territorial integrity.',
    relations=[('after', 'ev-2023-09-19-operation')])

ev('ev-2023-09-disarmament', 'Disarmament of Karabakh Armenian armed formations, September 2023',
   'strategic-development', 'change-to-group-activity', '2023-09-20', '2023-09-30', 'month', 'pl-karabakh', 'region')
acc('ev-2023-09-disarmament', 'author-a001', [A001],
    '"Closing the circle" states that after the operation the Armenian armed formations it calls illegal gave up their weapons and were dissolved, and that Armenia\'s forces consented to withdraw from Azerbaijan.',
    char='The disarming and disbanding of illegal armed formations.',
    relations=[('after', 'ev-2023-09-19-operation')])

ev('ev-2023-09-21-yevlakh', 'Meeting on reintegration in Yevlakh, 21 September 2023',
   'strategic-development', 'other', '2023-09-21', '2023-09-21', 'day', 'pl-yevlakh', 'exact')
acc('ev-2023-09-21-yevlakh', 'gov-az-president', [A001, 'src-a001-fn13'],
    'As "Closing the circle" reports from a statement of the Presidential Administration, R. Mammadov, the official in charge of contacts with Karabakh\'s Armenian residents, met their representatives S. Martirosyan and D. Melkumyan in Yevlakh on 21 September 2023 at the Administration\'s invitation. '
    'Azerbaijan\'s plans for reintegrating the Armenians under its Constitution were presented and discussed.',
    char='The first meeting on reintegrating Armenian residents under the Constitution of Azerbaijan.')

ev('ev-2023-09-later-meetings', 'Further meetings on reintegration in Khojaly / Ivanyan and Yevlakh, 25 and 29 September 2023',
   'strategic-development', 'other', '2023-09-25', '2023-09-29', 'day', 'pl-azerbaijan', 'country')
acc('ev-2023-09-later-meetings', 'gov-az-president', [A001, 'src-a001-fn13'],
    'As "Closing the circle" reports, two further meetings followed on 25 and 29 September 2023, held in Khojaly and in Yevlakh, at which Azerbaijan presented its reintegration plans. '
    'The article does not say which meeting took place where.',
    char='Continued talks on reintegration.',
    relations=[('after', 'ev-2023-09-21-yevlakh')])

ev('ev-2023-09-departure', 'Departure of most Armenian residents from Karabakh, late September 2023',
   'strategic-development', 'other', '2023-09-20', '2023-10-01', 'week', 'pl-karabakh', 'region')
acc('ev-2023-09-departure', 'gov-am-pm', [A001, 'src-a001-fn9'],
    'As "Closing the circle" reports, Prime Minister Nikol Pashinyan described the flight of ethnic Armenians from Karabakh as a direct act of ethnic cleansing that deprived people of their homeland. '
    'The Armenian government said that more than 100,000 people had fled, according to the Al Jazeera report the article cites.',
    char='"A direct act of an ethnic cleansing and depriving people of their motherland."',
    initiators=[AZ_GOV],
    targets=[actor('Armenians of Karabakh', 'civilians')],
    relations=[('after', 'ev-2023-09-19-operation')])
acc('ev-2023-09-departure', 'gov-az-president', [A001, 'src-a001-fn11'],
    'As "Closing the circle" reports, Hikmet Hajiyev, who assists President Aliyev, said Azerbaijan respects the freedom of movement and of choice of the Karabakh Armenians, most of whom do not wish to live under the Azerbaijani flag. '
    'Those who take Azerbaijani citizenship would have their rights and security protected, local self-government through municipalities, and their religious and cultural rights. The article cites an AFP report headed "Baku denies Nagorno-Karabakh ethnic cleansing claims".',
    char='A free choice to leave, which Azerbaijan respects; it denies any ethnic cleansing and offers rights and security to those who stay.',
    relations=[('after', 'ev-2023-09-19-operation')])
acc('ev-2023-09-departure', 'author-a001', [A001],
    '"Closing the circle" regrets the decision of over 100,000 Karabakh Armenians to leave Azerbaijan and offers possible reasons: fear of revenge or of Azerbaijani justice for atrocities it says were committed in the early 1990s, following the crowd, or personal matters, '
    'in every case by their own choice.',
    char='A regrettable but voluntary departure; the ethnic-cleansing charge is false.',
    relations=[('after', 'ev-2023-09-19-operation')])

ev('ev-2023-09-28-dissolution-decree', 'Decree on dissolving the institutions of the de facto authorities of Nagorno-Karabakh, 28 September 2023',
   'strategic-development', 'change-to-group-activity', '2023-09-28', '2023-09-28', 'day', 'pl-karabakh', 'region')
acc('ev-2023-09-28-dissolution-decree', 'nk-authorities', [A001, 'src-a001-fn12'],
    'As "Closing the circle" reports, citing Report.az, S. Shahramanyan, head of the de facto authorities, signed on 28 September 2023 a decree ending the Nagorno-Karabakh Republic. '
    'All its institutions are to be dissolved before 1 January 2024, and the Armenian population may study the reintegration conditions offered by Azerbaijan and decide individually whether to stay or return.',
    char='The Nagorno-Karabakh Republic ceases to exist; each resident decides individually on staying or returning.')
acc('ev-2023-09-28-dissolution-decree', 'author-a001', [A001],
    '"Closing the circle" calls the entity an illegal separatist regime and hopes its dissolution opens a window for normal relations and an Armenian-Azerbaijani peace agreement.',
    char='The end of an illegal separatist regime and a chance for peace.')

ev('ev-2023-09-registration', 'Registration of Armenian residents of Karabakh by Azerbaijan\'s State Migration Service, from late September 2023',
   'strategic-development', 'other', '2023-09-28', '2023-10-31', 'month', 'pl-karabakh', 'region')
acc('ev-2023-09-registration', 'gov-az-migration', [A001, 'src-a001-fn15'],
    'As "Closing the circle" reports, the State Migration Service started registering Armenian residents of Karabakh online, through a portal built for that purpose, '
    'meant to give them access to all government services and to meet their social, economic and humanitarian needs.',
    char='A service to help Armenian residents use government services and meet their needs.')

ev('ev-2023-10-01-un-mission', 'UN mission visits Khankendi / Stepanakert, 1 October 2023',
   'strategic-development', 'other', '2023-10-01', '2023-10-01', 'day', 'pl-khankendi', 'exact')
acc('ev-2023-10-01-un-mission', 'un-mission', [A001, 'src-a001-fn14'],
    'According to the UN press release of 2 October 2023 quoted in "Closing the circle", a UN team led by the Resident Coordinator in Azerbaijan, V. Andreeva, visited the city on 1 October, met local people and interlocutors and looked at health and education facilities. '
    'Where it went in the city it observed no damage to public civilian infrastructure such as hospitals, schools and housing, nor to cultural or religious buildings. '
    'Interlocutors told it that 50 to 1,000 ethnic Armenians were still in the region, and it came across no reports of violence against civilians after the latest ceasefire.',
    char='No damage seen in the parts of the city visited; no reports of violence against civilians after the ceasefire received; 50 to 1,000 ethnic Armenians said to remain.')
acc('ev-2023-10-01-un-mission', 'author-a001', [A001],
    '"Closing the circle" reads the UN press release as confirmation that civilians had suffered no violence.',
    char='UN confirmation that civilians suffered no violence.')

ev('ev-2023-10-aid', 'Supplies delivered by Azerbaijan to Armenian residents of Karabakh, to 3 October 2023',
   'strategic-development', 'other', '2023-09-20', '2023-10-03', 'month', 'pl-karabakh', 'region')
acc('ev-2023-10-aid', 'gov-az', [A001, 'src-a001-fn16'],
    'As "Closing the circle" reports, citing News.az, by 3 October 2023 the Azerbaijani government had delivered to the Armenian residents of Karabakh food and hygiene goods (over 40 tons), flour (40 tons), fuel (over 200 tons) and drinking water (over 22 tons). '
    '(The article prints the date as "October 3, 2003".)',
    char='Humanitarian supplies for the Armenian residents of Karabakh.')

# ---------------------------------------------------------------- persons
PERSONS = [
    dict(key='person-balasanyan',
         names=[('Izaura Balasanyan', 'en', 'Latn', 'the spelling of the commentary on the Lachin crisis')],
         status=[('detained', '2021-09-01', 'pl-karabakh', 'ev-2021-09-balasanyan', [A002])]),
]

# ---------------------------------------------------------------- relations
# (type, from, to, sources, note)
RELATIONS = [
    ('detained-in', 'person-balasanyan', 'ev-2021-09-balasanyan', [A002],
     'Stopped by Russian peacekeepers and handed to local Armenian security services; her fate since is not known to the source. The date is known only to the month.'),
    ('part-of', 'ev-2020-strikes', 'ev-2020-war', [A003],
     'The source speaks of attacks on cities far from the front line; the record places them within the 2020 war.'),
] + [
    ('part-of', 'ev-2020-strike-' + c, 'ev-2020-strikes', [A003], None)
    for c in ('barda', 'ganja', 'goranboy', 'naftalan', 'tartar')
] + [
    ('before', 'ev-2020-war', 'ev-2020-11-10-statement', [A000], None),
    ('part-of', 'ev-2020-10-cultural-autonomy', 'ev-2020-war', [A000], 'Said during the war, in October 2020.'),
    ('part-of', 'ev-2022-12-12-road-gathering', 'ev-lachin-road', [A001], None),
    ('part-of', 'ev-2023-04-23-checkpoint', 'ev-lachin-road', [A001, A002], None),
    ('part-of', 'ev-2023-06-15-checkpoint-incident', 'ev-lachin-road', [A002], None),
    ('part-of', 'ev-2023-06-restrictions', 'ev-lachin-road', [A002], None),
    ('in-response-to', 'ev-2023-06-restrictions', 'ev-2023-06-15-checkpoint-incident', [A002], None),
    ('part-of', 'ev-2023-07-26-convoy', 'ev-lachin-road', [A002], None),
    ('part-of', 'ev-2023-08-16-unsc', 'ev-lachin-road', [A002], None),
    ('part-of', 'ev-2023-08-29-aghdam-trucks', 'ev-lachin-road', [A002], None),
    ('part-of', 'ev-2023-09-eu-routes', 'ev-lachin-road', [A002], None),
    ('before', 'ev-2023-09-19-operation', 'ev-2023-09-departure', [A001], None),
    ('before', 'ev-2023-09-19-operation', 'ev-2023-09-disarmament', [A001], None),
    ('before', 'ev-2023-09-21-yevlakh', 'ev-2023-09-later-meetings', [A001], None),
    ('before', 'ev-2022-washington-dialogue', 'ev-2022-11-vardanyan', [A002], None),
    ('before', 'ev-2023-08-29-aghdam-trucks', 'ev-2023-09-eu-routes', [A002], 'A few days later, according to the source.'),
]
