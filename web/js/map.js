// map.js - a small map drawn as SVG from the Natural Earth outlines in
// data/ (country outlines, first-level districts, disputed lines), with
// one place marked.  District names from the data are not drawn (some are
// known to be wrong); the place's own names are shown by the page.
import { s } from './util.js';
import { t } from './i18n.js';

const files = {};
function load(name) {
  if (!files[name]) files[name] = fetch(`/data/${name}.geojson`).then((r) => { if (!r.ok) throw new Error(name); return r.json(); });
  return files[name];
}

function rings(geom) {
  if (!geom) return [];
  switch (geom.type) {
    case 'Polygon': return geom.coordinates;
    case 'MultiPolygon': return geom.coordinates.flat();
    case 'LineString': return [geom.coordinates];
    case 'MultiLineString': return geom.coordinates;
    default: return [];
  }
}

/* lat, lon in degrees (or null) -> an <svg> with the place marked. */
export async function drawMap(lat, lon, label) {
  const [countries, districts, lines] = await Promise.all([load('admin0'), load('admin1'), load('disputed')]);
  // Equirectangular projection scaled by cos(mid-latitude): fine at this size.
  let minx = 43.3, maxx = 50.8, miny = 38.25, maxy = 42.0;
  if (lat !== null && (lon < minx || lon > maxx || lat < miny || lat > maxy)) {
    minx = Math.min(minx, lon - 1); maxx = Math.max(maxx, lon + 1);
    miny = Math.min(miny, lat - 1); maxy = Math.max(maxy, lat + 1);
  }
  const k = Math.cos(((miny + maxy) / 2) * Math.PI / 180);
  const W = 600, scale = W / ((maxx - minx) * k), H = Math.round((maxy - miny) * scale);
  const px = (x, y) => [((x - minx) * k * scale).toFixed(1), ((maxy - y) * scale).toFixed(1)];
  const path = (geom, close) => rings(geom).map((r) => 'M' + r.map(([x, y]) => px(x, y).join(',')).join('L') + (close ? 'Z' : '')).join('');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label ? t('map.label', { name: label }) : t('map.none') },
    s('title', null, label ? t('map.label', { name: label }) : t('map.none')),
    countries.features.map((f) => s('path', { class: 'country', d: path(f.geometry, true) })),
    districts.features.map((f) => s('path', { class: 'district', d: path(f.geometry, true) })),
    lines.features.map((f) => s('path', { class: 'disputed-line', d: path(f.geometry, false) })));
  if (lat !== null) {
    const [x, y] = px(lon, lat);
    svg.append(s('circle', { class: 'here', cx: x, cy: y, r: 7 }));
  }
  return svg;
}
