/**
 * The page: static HTML plus a small script that polls `state` and redraws. No external
 * resources (works offline, no CSP surprises); every value is inserted as text, never as HTML.
 */
export function dashboardPage(refreshMs: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nestrpc dashboard</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2330; background: #f7f8fa; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  #meta { color: #667; margin-bottom: 16px; }
  section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  .routes { color: #667; font-size: 12px; margin-bottom: 6px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eef0f4; font-variant-numeric: tabular-nums; }
  th { font-weight: 600; color: #445; font-size: 12px; text-transform: uppercase; }
  .health { padding: 1px 8px; border-radius: 10px; font-size: 12px; }
  .up { background: #dff5e3; color: #17692b; } .registered { background: #e8edf5; color: #34507a; }
  .drained { background: #fff1d6; color: #855c00; } .disabled, .ejected { background: #fde2e1; color: #9b1c1c; }
  #error { color: #9b1c1c; }
</style>
</head>
<body>
<h1>nestrpc dashboard</h1>
<div id="meta">loading…</div>
<div id="error"></div>
<div id="services"></div>
<script>
(function () {
  var REFRESH_MS = ${Number(refreshMs)};
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function age(ms) { var s = Math.round(ms / 1000); return s < 60 ? s + 's' : s < 3600 ? Math.floor(s / 60) + 'm' : Math.floor(s / 3600) + 'h'; }
  function render(state) {
    document.getElementById('meta').textContent = 'namespace ' + state.namespace + ' · updated ' + new Date(state.generatedAt).toLocaleTimeString();
    var root = document.getElementById('services');
    root.replaceChildren();
    if (state.services.length === 0) root.appendChild(el('p', 'No service registered.'));
    state.services.forEach(function (svc) {
      var section = el('section'); section.dataset.service = svc.service;
      section.appendChild(el('h2', svc.service));
      if (svc.routes.length) section.appendChild(el('div', 'routes: ' + svc.routes.join('; '), 'routes'));
      var table = el('table'); var head = el('tr');
      ['version', 'instance', 'address', 'weight', 'tags', 'age', 'health', 'in flight', 'calls/s', 'latency ms'].forEach(function (h) { head.appendChild(el('th', h)); });
      table.appendChild(head);
      svc.versions.forEach(function (v) {
        v.instances.forEach(function (i) {
          var row = el('tr'); row.dataset.instance = i.id; row.dataset.address = i.address;
          var weight = i.effectiveWeight === i.weight ? String(i.weight) : i.weight + ' → ' + i.effectiveWeight;
          var c = i.consumer;
          [v.version, i.id, i.address, weight, i.tags.join(', ') || '-', age(i.ageMs)].forEach(function (t) { row.appendChild(el('td', t)); });
          var health = el('td'); health.appendChild(el('span', i.health, 'health ' + i.health)); row.appendChild(health);
          [c ? c.active : '-', c ? c.ratePerSecond.toFixed(1) : '-', c ? c.latencyMs.toFixed(2) : '-'].forEach(function (t, n) { var td = el('td', t); td.dataset.metric = ['active', 'rate', 'latency'][n]; row.appendChild(td); });
          table.appendChild(row);
        });
      });
      section.appendChild(table);
      root.appendChild(section);
    });
  }
  function tick() {
    fetch(location.pathname.replace(/\\/?$/, '/state'), { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (s) { document.getElementById('error').textContent = ''; render(s); })
      .catch(function (e) { document.getElementById('error').textContent = 'cannot load state: ' + e.message; })
      .finally(function () { setTimeout(tick, REFRESH_MS); });
  }
  tick();
})();
</script>
</body>
</html>
`;
}
