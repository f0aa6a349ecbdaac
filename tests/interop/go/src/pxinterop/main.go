// Command pxinterop checks parallax's signed notes, checkpoints,
// cosignatures and Merkle tree proofs against an independent implementation:
// Go's golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog.  It
// drives the C side through the pxtool program (tests/interop/pxtool.c) and
// checks both directions: what parallax produces, Go must accept (and
// produce the same bytes where the algorithms are deterministic); what Go
// produces, parallax must accept; what either rejects, so must the other.
//
// Known differences of x/mod 0.7.0 that the checks account for:
//   - tlog.TreeHash(0) is all zeros; RFC 9162 (and parallax) use SHA-256("").
//   - tlog.ProveTree/CheckTree reject an old size of 0.
//   - note.NewVerifier knows only key type 0x01; cosignature/v1 (0x04) keys
//     are verified here by a small Verifier written from c2sp.org/tlog-cosignature.
//   - Go decodes base64 leniently (non-zero bits after the data are
//     ignored); parallax rejects non-canonical base64.
//   - tlog's tile paths are the Go checksum database layout, not C2SP
//     tlog-tiles, so a real log's entry bundles are read here directly.
//
// Usage: pxinterop -pxtool PATH -work DIR [-log DIR [-older CP,CP...]]
// Ends with the line "N passed, N failed" and exits 1 on any failure.
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var (
	pxtool  string
	workDir string
	passed  int
	failed  int
	known   = map[string]int{}
)

func check(ok bool, what string, args ...interface{}) bool {
	if ok {
		passed++
		return true
	}
	failed++
	if failed <= 50 {
		fmt.Printf("FAIL: "+what+"\n", args...)
	}
	return false
}

// knownDifference counts an expected difference between x/mod and parallax.
func knownDifference(what string) { known[what]++ }

// px runs pxtool with stdin and returns stdout, stderr and whether it
// exited 0.
func px(stdin []byte, args ...string) (string, string, bool) {
	cmd := exec.Command(pxtool, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	err := cmd.Run()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			fmt.Printf("FAIL: cannot run %s: %v\n", pxtool, err)
			os.Exit(1)
		}
	}
	return out.String(), errb.String(), err == nil
}

// ---- keys ----------------------------------------------------------------

func keyHash(name string, typ byte, pub []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{typ})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// cosigVerifier verifies Ed25519 cosignature/v1 signatures
// (c2sp.org/tlog-cosignature): the signature is timestamp (u64 big-endian)
// || Ed25519 over "cosignature/v1\ntime <T>\n" || note text.
type cosigVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
	seen []uint64 // timestamps of verified cosignatures
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return v.hash }
func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	ts := binary.BigEndian.Uint64(sig)
	if ts > 1<<63-1 {
		return false
	}
	m := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, msg)
	if !ed25519.Verify(v.pub, []byte(m), sig[8:]) {
		return false
	}
	v.seen = append(v.seen, ts)
	return true
}

// parseCosigVKey parses a verifier key of type 0x04.
func parseCosigVKey(vkey string) (*cosigVerifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("malformed key %q", vkey)
	}
	h, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil || len(parts[1]) != 8 {
		return nil, fmt.Errorf("malformed key hash in %q", vkey)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 4 {
		return nil, fmt.Errorf("not a cosignature/v1 key: %q", vkey)
	}
	if keyHash(parts[0], 4, raw[1:]) != uint32(h) {
		return nil, fmt.Errorf("key hash mismatch in %q", vkey)
	}
	return &cosigVerifier{name: parts[0], hash: uint32(h), pub: raw[1:]}, nil
}

// cosigSigner produces cosignature/v1 signatures at a fixed time, for
// note.Sign (which prepends the key hash).
type cosigSigner struct {
	name string
	hash uint32
	priv ed25519.PrivateKey
	ts   uint64
}

func (s *cosigSigner) Name() string    { return s.name }
func (s *cosigSigner) KeyHash() uint32 { return s.hash }
func (s *cosigSigner) Sign(msg []byte) ([]byte, error) {
	m := fmt.Sprintf("cosignature/v1\ntime %d\n%s", s.ts, msg)
	sig := make([]byte, 8, 8+ed25519.SignatureSize)
	binary.BigEndian.PutUint64(sig, s.ts)
	return append(sig, ed25519.Sign(s.priv, []byte(m))...), nil
}

func newCosigKey(name string) (*cosigSigner, string) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	h := keyHash(name, 4, pub)
	vkey := fmt.Sprintf("%s+%08x+%s", name, h,
		base64.StdEncoding.EncodeToString(append([]byte{4}, pub...)))
	return &cosigSigner{name: name, hash: h, priv: priv}, vkey
}

func pxKeygen(name string, cosign bool) (skey, vkey string) {
	args := []string{"keygen", name}
	if cosign {
		args = append(args, "cosign")
	}
	out, stderr, ok := px(nil, args...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !check(ok && len(lines) == 2, "pxtool keygen %s: %s", name, stderr) {
		os.Exit(1)
	}
	return lines[0], lines[1]
}

// ---- notes ---------------------------------------------------------------

const peterSKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
const peterVKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
const peterText = "If you think cryptography is the answer to your problem,\n" +
	"then you don't know what your problem is.\n"
const peterNote = peterText + "\n" +
	"— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

func mustVerifier(vkey string) note.Verifier {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		check(false, "note.NewVerifier(%q): %v", vkey, err)
		os.Exit(1)
	}
	return v
}

func mustSigner(skey string) note.Signer {
	s, err := note.NewSigner(skey)
	if err != nil {
		check(false, "note.NewSigner: %v", err)
		os.Exit(1)
	}
	return s
}

func testNotes() {
	section := passed + failed

	// The published vector: pxtool signs exactly as Go's test expects,
	// and opens it with the published verifier key.
	out, stderr, ok := px([]byte(peterText), "sign", peterSKey)
	check(ok && out == peterNote, "pxtool sign PeterNeumann vector: %q %s", out, stderr)
	out, stderr, ok = px([]byte(peterNote), "open", peterVKey)
	check(ok && out == peterText, "pxtool open PeterNeumann vector: %s", stderr)

	// Keys made by parallax load in Go, and the reverse.
	pxS, pxV := pxKeygen("parallax.example/key", false)
	goS, goV, err := note.GenerateKey(rand.Reader, "go.example/key")
	check(err == nil, "note.GenerateKey: %v", err)
	pxSigner, pxVerifier := mustSigner(pxS), mustVerifier(pxV)
	goSigner, goVerifier := mustSigner(goS), mustVerifier(goV)
	check(pxSigner.KeyHash() == pxVerifier.KeyHash() && pxSigner.Name() == "parallax.example/key",
		"parallax key pair: Go sees hash %08x vs %08x", pxSigner.KeyHash(), pxVerifier.KeyHash())

	texts := []string{
		peterText,
		"a\n",
		"one\n\nthree, after an empty line\n",
		"ends with an empty line\n\n",
		"Ογνούνο — Ognuno sta solo sul cuor della terra\nՀայերեն, Azərbaycan, русский\n\U0001F4DC\n",
		"del \x7f is not a control character in the spec's sense\n",
		strings.Repeat("0123456789abcdef 0123456789abcdef 0123456789abcdef\n", 2000),
	}
	for i, text := range texts {
		// parallax signs, Go opens.
		msg, stderr, ok := px([]byte(text), "sign", pxS)
		if check(ok, "text %d: pxtool sign: %s", i, stderr) {
			n, err := note.Open([]byte(msg), note.VerifierList(pxVerifier))
			check(err == nil && n.Text == text && len(n.Sigs) == 1,
				"text %d: Go cannot open parallax's note: %v", i, err)
		}
		// Go signs, parallax opens.
		gmsg, err := note.Sign(&note.Note{Text: text}, goSigner)
		check(err == nil, "text %d: note.Sign: %v", i, err)
		out, stderr, ok := px(gmsg, "open", goV)
		check(ok && out == text, "text %d: parallax cannot open Go's note: %s", i, stderr)
		// Ed25519 is deterministic: the same key gives the same bytes.
		out, stderr, ok = px([]byte(text), "sign", goS)
		check(ok && out == string(gmsg), "text %d: parallax and Go sign differently: %s", i, stderr)
		// Two signers, each side verifying both.
		both, err := note.Sign(&note.Note{Text: text}, goSigner, pxSigner)
		check(err == nil, "text %d: note.Sign two keys: %v", i, err)
		out, stderr, ok = px(both, "open", pxV, goV)
		check(ok && out == text, "text %d: parallax open two keys: %s", i, stderr)
		pboth, stderr, ok := px([]byte(text), "sign", goS, pxS)
		check(ok && pboth == string(both), "text %d: two-key notes differ: %s", i, stderr)
		n, err := note.Open([]byte(pboth), note.VerifierList(goVerifier, pxVerifier))
		check(err == nil && len(n.Sigs) == 2, "text %d: Go open two keys: %v", i, err)
		// Only an unknown key: both refuse.
		_, _, ok = px(gmsg, "open", pxV)
		_, err = note.Open(gmsg, note.VerifierList(pxVerifier))
		check(!ok && err != nil, "text %d: note by an unknown key accepted (parallax %v, Go %v)", i, ok, err)
	}
	fmt.Printf("notes: %d checks\n", passed+failed-section)
}

// nonCanonicalSig reports whether any signature line of msg has base64 that
// Go decodes but that is not the canonical encoding of its bytes.
func nonCanonicalSig(msg []byte) bool {
	for _, line := range strings.Split(string(msg), "\n") {
		if !strings.HasPrefix(line, "— ") {
			continue
		}
		f := strings.SplitN(strings.TrimPrefix(line, "— "), " ", 2)
		if len(f) != 2 {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(f[1])
		if err == nil && base64.StdEncoding.EncodeToString(raw) != f[1] {
			return true
		}
	}
	return false
}

// testMutations compares accept/reject decisions of Go's note.Open and
// parallax's note_open on every single-byte change of a signed note.
func testMutations() {
	section := passed + failed
	goS, goV, _ := note.GenerateKey(rand.Reader, "go.example/mut")
	otherS, _, _ := note.GenerateKey(rand.Reader, "other.example/unknown")
	text := "mutation target\n\nline three ü\n"
	msg, err := note.Sign(&note.Note{Text: text}, mustSigner(goS), mustSigner(otherS))
	check(err == nil, "note.Sign: %v", err)
	verifiers := note.VerifierList(mustVerifier(goV))

	var mutants [][]byte
	for i := 0; i < len(msg); i++ {
		for _, f := range []func(b []byte) []byte{
			func(b []byte) []byte { b[i] ^= 0x01; return b },
			func(b []byte) []byte { b[i] ^= 0x80; return b },
			func(b []byte) []byte { b[i] = '\n'; return b },
			func(b []byte) []byte { b[i] = ' '; return b },
			func(b []byte) []byte { return append(b[:i], b[i+1:]...) },
		} {
			m := f(append([]byte(nil), msg...))
			if !bytes.Equal(m, msg) {
				mutants = append(mutants, m)
			}
		}
	}
	agree := 0
	for _, m := range mutants {
		_, goErr := note.Open(m, verifiers)
		_, stderr, pxOK := px(m, "open", goV)
		switch {
		case (goErr == nil) == pxOK:
			agree++
			passed++
		case goErr == nil && !pxOK && nonCanonicalSig(m):
			knownDifference("Go accepts non-canonical base64 that parallax rejects")
		default:
			check(false, "mutant %q: Go err=%v, parallax ok=%v (%s)", m, goErr, pxOK, strings.TrimSpace(stderr))
		}
	}
	fmt.Printf("mutations: %d mutants of a %d-byte note, %d decisions agree (%d checks)\n",
		len(mutants), len(msg), agree, passed+failed-section)
}

// ---- checkpoints and cosignatures -----------------------------------------

func checkpointText(origin string, size int64, root tlog.Hash) string {
	return fmt.Sprintf("%s\n%d\n%s\n", origin, size, base64.StdEncoding.EncodeToString(root[:]))
}

func testCheckpoints() {
	section := passed + failed
	origin := "parallax.example/log"
	logS, logV := pxKeygen(origin, false)
	wS, wV := pxKeygen("witness.example/px", true)
	logVerifier := mustVerifier(logV)

	root := tlog.RecordHash([]byte("some root"))
	rootHex := hex.EncodeToString(root[:])

	// parallax signs a checkpoint; Go opens it and reads the three lines.
	cp, stderr, ok := px(nil, "checkpoint", logS, origin, "20852163", rootHex)
	check(ok, "pxtool checkpoint: %s", stderr)
	n, err := note.Open([]byte(cp), note.VerifierList(logVerifier))
	if check(err == nil, "Go cannot open parallax's checkpoint: %v", err) {
		check(n.Text == checkpointText(origin, 20852163, root), "checkpoint text %q", n.Text)
		check(n.Sigs[0].Name == origin, "checkpoint key name %q is not the origin", n.Sigs[0].Name)
	}

	// Go's key-format parser refuses type 0x04 (x/mod 0.7.0 knows 0x01 only).
	if _, err := note.NewVerifier(wV); err != nil {
		knownDifference("x/mod note.NewVerifier rejects cosignature/v1 (0x04) keys")
	}
	wVerifier, err := parseCosigVKey(wV)
	check(err == nil, "parallax cosignature key: %v", err)

	// parallax cosigns; Go verifies the cosignature/v1 message and layout.
	cosigned, stderr, ok := px([]byte(cp), "cosign", wS, "1679315147")
	check(ok, "pxtool cosign: %s", stderr)
	if wVerifier != nil {
		n, err = note.Open([]byte(cosigned), note.VerifierList(logVerifier, wVerifier))
		check(err == nil && len(n.Sigs) == 2, "Go cannot verify parallax's cosignature: %v", err)
		check(len(wVerifier.seen) == 1 && wVerifier.seen[0] == 1679315147,
			"cosignature timestamp seen by Go: %v", wVerifier.seen)
	}
	out, stderr, ok := px([]byte(cosigned), "checkpoint-open", logV, "1", wV)
	check(ok && out == fmt.Sprintf("%s 20852163 %s\n", origin, rootHex),
		"pxtool checkpoint-open own cosignature: %q %s", out, stderr)

	// Go signs a checkpoint and cosigns it; parallax opens it with quorum.
	goLogS, goLogV, _ := note.GenerateKey(rand.Reader, "go.example/log")
	gw1, gw1V := newCosigKey("witness.example/go1")
	gw2, gw2V := newCosigKey("witness.example/go2")
	gw1.ts, gw2.ts = 1700000000, 1700000123
	for _, size := range []int64{0, 1, 7, 1 << 40} {
		text := checkpointText("go.example/log", size, root)
		msg, err := note.Sign(&note.Note{Text: text}, mustSigner(goLogS), gw1, gw2)
		check(err == nil, "note.Sign checkpoint: %v", err)
		want := fmt.Sprintf("go.example/log %d %s\n", size, rootHex)
		out, stderr, ok := px(msg, "checkpoint-open", goLogV, "2", gw1V, gw2V)
		check(ok && out == want, "parallax cannot open Go's cosigned checkpoint (size %d): %q %s", size, out, stderr)
		_, _, ok = px(msg, "checkpoint-open", goLogV, "3", gw1V, gw2V, wV)
		check(!ok, "quorum 3 of 3 met with two cosignatures (size %d)", size)
		// The log signature alone does not meet a quorum of one.
		logOnly, _ := note.Sign(&note.Note{Text: text}, mustSigner(goLogS))
		_, _, ok = px(logOnly, "checkpoint-open", goLogV, "1", gw1V)
		check(!ok, "quorum 1 met without cosignatures (size %d)", size)
		// Wrong log key (the origin is not its name).
		_, _, ok = px(msg, "checkpoint-open", logV, "0")
		check(!ok, "checkpoint opened with another log's key (size %d)", size)
	}
	// A cosignature moved from another checkpoint fails at both ends.
	textA := checkpointText("go.example/log", 5, root)
	textB := checkpointText("go.example/log", 6, root)
	msgA, _ := note.Sign(&note.Note{Text: textA}, mustSigner(goLogS))
	msgB, _ := note.Sign(&note.Note{Text: textB}, gw1)
	sigB := string(msgB[len(textB)+1:])
	moved := append(append([]byte(nil), msgA...), sigB...)
	_, _, ok = px(moved, "checkpoint-open", goLogV, "1", gw1V)
	check(!ok, "parallax accepted a cosignature over another checkpoint")
	v1, _ := parseCosigVKey(gw1V)
	_, err = note.Open(moved, note.VerifierList(mustVerifier(goLogV), v1))
	check(err != nil, "Go accepted a cosignature over another checkpoint")

	// A checkpoint with size "01" is signed fine but is not a checkpoint.
	bad := "go.example/log\n01\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
	msg, _ := note.Sign(&note.Note{Text: bad}, mustSigner(goLogS))
	_, _, ok = px(msg, "checkpoint-open", goLogV, "0")
	check(!ok, "parallax accepted tree size \"01\"")
	fmt.Printf("checkpoints and cosignatures: %d checks\n", passed+failed-section)
}

// ---- trees ---------------------------------------------------------------

// memTree is a tlog hash store in memory.
type memTree struct {
	stored  []tlog.Hash
	entries [][]byte
}

func (t *memTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(t.stored)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = t.stored[x]
	}
	return out, nil
}

func (t *memTree) add(entry []byte) {
	n := int64(len(t.entries))
	hs, err := tlog.StoredHashes(n, entry, t)
	if err != nil {
		panic(err)
	}
	t.stored = append(t.stored, hs...)
	t.entries = append(t.entries, entry)
}

// batch talks to one "pxtool batch LEAVES" process.
type batch struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startBatch(leaves string) *batch {
	cmd := exec.Command(pxtool, "batch", leaves)
	in, _ := cmd.StdinPipe()
	outp, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		check(false, "start pxtool batch: %v", err)
		os.Exit(1)
	}
	return &batch{cmd, in, bufio.NewReaderSize(outp, 1<<16)}
}

func (b *batch) ask(format string, args ...interface{}) string {
	fmt.Fprintf(b.in, format+"\n", args...)
	line, err := b.out.ReadString('\n')
	if err != nil {
		check(false, "pxtool batch died: %v", err)
		os.Exit(1)
	}
	return strings.TrimSuffix(line, "\n")
}

func (b *batch) close() {
	b.in.Close()
	b.cmd.Wait()
}

func hexList(p []tlog.Hash) string {
	if len(p) == 0 {
		return "-"
	}
	s := make([]string, len(p))
	for i, h := range p {
		s[i] = hex.EncodeToString(h[:])
	}
	return strings.Join(s, " ")
}

func parseList(s string) ([]tlog.Hash, error) {
	if s == "-" {
		return nil, nil
	}
	var out []tlog.Hash
	for _, f := range strings.Fields(s) {
		b, err := hex.DecodeString(f)
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("bad hash %q in %q", f, s)
		}
		var h tlog.Hash
		copy(h[:], b)
		out = append(out, h)
	}
	return out, nil
}

func hx(h tlog.Hash) string { return hex.EncodeToString(h[:]) }

func flip(p []tlog.Hash, i int) []tlog.Hash {
	q := append([]tlog.Hash(nil), p...)
	q[i%len(q)][i%32] ^= 0x20
	return q
}

// sample is every value in [lo, hi] when the range is small, else the
// edges, powers of two around them, and a spread in between.
func sample(lo, hi int64, all bool) []int64 {
	if all || hi-lo < 64 {
		var s []int64
		for x := lo; x <= hi; x++ {
			s = append(s, x)
		}
		return s
	}
	set := map[int64]bool{}
	for x := lo; x < lo+8; x++ {
		set[x] = true
	}
	for x := hi - 8; x <= hi; x++ {
		set[x] = true
	}
	for p := int64(1); p <= hi; p *= 2 {
		for _, x := range []int64{p - 1, p, p + 1} {
			if x >= lo && x <= hi {
				set[x] = true
			}
		}
	}
	for k := int64(1); k < 24; k++ {
		set[lo+(hi-lo)*k/24] = true
	}
	var s []int64
	for x := range set {
		s = append(s, x)
	}
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s
}

func testTrees() {
	section := passed + failed
	const maxN = 1100
	t := &memTree{}
	var lines bytes.Buffer
	for i := 0; i < maxN; i++ {
		// Entries of varied lengths, including empty ones.
		e := bytes.Repeat([]byte{byte(i), byte(i >> 8), 0x5a}, i%23)
		if i%5 == 0 {
			e = []byte(fmt.Sprintf("entry %d", i))
		}
		t.add(e)
		lines.WriteString(hex.EncodeToString(e) + "\n")
	}
	leaves := filepath.Join(workDir, "leaves.hex")
	if err := os.WriteFile(leaves, lines.Bytes(), 0o644); err != nil {
		check(false, "write %s: %v", leaves, err)
		return
	}
	b := startBatch(leaves)
	defer b.close()

	// Size 0: RFC 9162 says SHA-256(""); x/mod returns zeros.
	empty := sha256.Sum256(nil)
	check(b.ask("root 0") == hex.EncodeToString(empty[:]), "parallax root of the empty tree")
	if h, _ := tlog.TreeHash(0, t); h == (tlog.Hash{}) {
		knownDifference("x/mod TreeHash(0) is all zeros, RFC 9162 says SHA-256(\"\")")
	}

	var sizes []int64
	for n := int64(1); n <= 300; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 511, 512, 513, 777, 1000, 1023, 1024, 1025, maxN)
	roots := map[int64]tlog.Hash{0: tlog.Hash(empty)}
	nIncl, nCons := 0, 0
	for _, n := range sizes {
		root, err := tlog.TreeHash(n, t)
		check(err == nil, "TreeHash(%d): %v", n, err)
		roots[n] = root
		if !check(b.ask("root %d", n) == hx(root), "root of size %d differs", n) {
			continue
		}
		// Inclusion proofs, both ways.
		for _, i := range sample(0, n-1, n <= 300) {
			gp, err := tlog.ProveRecord(n, i, t)
			check(err == nil, "ProveRecord(%d, %d): %v", n, i, err)
			line := b.ask("prove-inclusion %d %d", i, n)
			check(line == hexList(gp), "inclusion proof %d in %d differs:\n  go %s\n  px %s", i, n, hexList(gp), line)
			pp, err := parseList(line)
			leaf := tlog.RecordHash(t.entries[i])
			check(err == nil && tlog.CheckRecord(pp, n, root, i, leaf) == nil,
				"Go rejects parallax's inclusion proof %d in %d", i, n)
			check(b.ask("verify-inclusion %d %d %s %s %s", i, n, hx(leaf), hx(root), hexList(gp)) == "ok",
				"parallax rejects Go's inclusion proof %d in %d", i, n)
			nIncl++
			if len(gp) > 0 && i%3 == 0 {
				bad := flip(gp, int(i))
				check(tlog.CheckRecord(bad, n, root, i, leaf) != nil, "Go accepts a flipped inclusion proof")
				check(strings.HasPrefix(b.ask("verify-inclusion %d %d %s %s %s", i, n, hx(leaf), hx(root), hexList(bad)), "fail"),
					"parallax accepts a flipped inclusion proof %d in %d", i, n)
				check(strings.HasPrefix(b.ask("verify-inclusion %d %d %s %s %s", i, n, hx(leaf), hx(root), hexList(gp[:len(gp)-1])), "fail"),
					"parallax accepts a short inclusion proof %d in %d", i, n)
				other := tlog.RecordHash(append([]byte("x"), t.entries[i]...))
				check(strings.HasPrefix(b.ask("verify-inclusion %d %d %s %s %s", i, n, hx(other), hx(root), hexList(gp)), "fail"),
					"parallax accepts another leaf at %d in %d", i, n)
			}
		}
		// Consistency proofs, both ways (old size 0 is parallax-only).
		check(b.ask("prove-consistency 0 %d", n) == "-", "consistency proof from 0 to %d is not empty", n)
		check(b.ask("verify-consistency 0 %d %s %s -", n, hx(empty), hx(root)) == "ok",
			"parallax rejects the empty consistency proof from 0 to %d", n)
		if _, err := tlog.ProveTree(n, 0, t); err != nil {
			knownDifference("x/mod ProveTree rejects old size 0")
		}
		for _, m := range sample(1, n, n <= 160) {
			rootM, ok := roots[m]
			if !ok {
				rootM, _ = tlog.TreeHash(m, t)
				roots[m] = rootM
			}
			gp, err := tlog.ProveTree(n, m, t)
			check(err == nil, "ProveTree(%d, %d): %v", n, m, err)
			line := b.ask("prove-consistency %d %d", m, n)
			check(line == hexList(gp), "consistency proof %d to %d differs:\n  go %s\n  px %s", m, n, hexList(gp), line)
			pp, err := parseList(line)
			check(err == nil && tlog.CheckTree(pp, n, root, m, rootM) == nil,
				"Go rejects parallax's consistency proof %d to %d", m, n)
			check(b.ask("verify-consistency %d %d %s %s %s", m, n, hx(rootM), hx(root), hexList(gp)) == "ok",
				"parallax rejects Go's consistency proof %d to %d", m, n)
			nCons++
			if len(gp) > 0 && m%3 == 0 {
				bad := flip(gp, int(m))
				check(tlog.CheckTree(bad, n, root, m, rootM) != nil, "Go accepts a flipped consistency proof")
				check(strings.HasPrefix(b.ask("verify-consistency %d %d %s %s %s", m, n, hx(rootM), hx(root), hexList(bad)), "fail"),
					"parallax accepts a flipped consistency proof %d to %d", m, n)
				check(strings.HasPrefix(b.ask("verify-consistency %d %d %s %s %s", m, n, hx(root), hx(rootM), hexList(gp)), "fail"),
					"parallax accepts swapped roots %d to %d", m, n)
			}
		}
	}
	// The one-shot commands give the batch answers.
	out, _, ok := px(nil, "root", leaves, "300")
	check(ok && out == hx(roots[300])+"\n", "pxtool root")
	gp, _ := tlog.ProveRecord(300, 123, t)
	out, _, ok = px(nil, "prove-inclusion", leaves, "123", "300")
	check(ok && out == hexList(gp)+"\n", "pxtool prove-inclusion")
	args := append([]string{"verify-inclusion", "123", "300", hx(tlog.RecordHash(t.entries[123])), hx(roots[300])}, strings.Fields(hexList(gp))...)
	_, _, ok = px(nil, args...)
	check(ok, "pxtool verify-inclusion")
	tp, _ := tlog.ProveTree(300, 77, t)
	out, _, ok = px(nil, "prove-consistency", leaves, "77", "300")
	check(ok && out == hexList(tp)+"\n", "pxtool prove-consistency")
	args = append([]string{"verify-consistency", "77", "300", hx(roots[77]), hx(roots[300])}, strings.Fields(hexList(tp))...)
	_, _, ok = px(nil, args...)
	check(ok, "pxtool verify-consistency")
	fmt.Printf("trees: %d sizes, %d inclusion and %d consistency proofs compared (%d checks)\n",
		len(sizes), nIncl, nCons, passed+failed-section)
}

func main() {
	flag.StringVar(&pxtool, "pxtool", "", "path to pxtool")
	flag.StringVar(&workDir, "work", "", "scratch directory")
	logDir := flag.String("log", "", "a parallax log directory to audit (optional)")
	older := flag.String("older", "", "comma-separated earlier checkpoints of that log")
	flag.Parse()
	if pxtool == "" || workDir == "" {
		fmt.Fprintln(os.Stderr, "usage: pxinterop -pxtool PATH -work DIR [-log DIR [-older CP,CP...]]")
		os.Exit(2)
	}
	testNotes()
	testMutations()
	testCheckpoints()
	testTrees()
	if *logDir != "" {
		var cps []string
		if *older != "" {
			cps = strings.Split(*older, ",")
		}
		testRealLog(*logDir, cps)
	}
	var kd []string
	for k, n := range known {
		kd = append(kd, fmt.Sprintf("  known difference (%d times): %s", n, k))
	}
	sort.Strings(kd)
	for _, s := range kd {
		fmt.Println(s)
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
