// The wall screen (/screen): a clock, the live feed (/screen/events) and a fresh body (/screen?handler=Tiles) on each
// event. EventSource reconnects by itself after a restart of the core; a 401 (the token was revoked) ends it with a
// clear "screen token revoked" state instead of retrying silently.
(function () {
  'use strict';
  const body = document.body;
  if (!body.hasAttribute('data-screen')) return;
  const target = document.getElementById('screen-body');
  const status = document.querySelector('[data-live-status]');
  const statusText = document.querySelector('[data-live-text]');
  const clock = document.querySelector('[data-clock]');
  const tilesUrl = body.dataset.tiles;
  const eventsUrl = body.dataset.events;
  const pad = (n) => String(n).padStart(2, '0');
  let source = null;
  let revoked = false;
  let refreshing = false;
  let again = false;

  function tick() {
    const d = new Date();
    clock.textContent = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    clock.setAttribute('datetime', d.toISOString());
  }

  function localTimes(root) {
    root.querySelectorAll('time[data-local-time]').forEach((t) => {
      const d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d)) t.textContent = pad(d.getHours()) + ':' + pad(d.getMinutes());
    });
  }

  function setLive(live) {
    status.classList.toggle('live', live);
    statusText.textContent = live ? statusText.dataset.textLive : statusText.dataset.textReconnecting;
  }

  function showRevoked() {
    revoked = true;
    if (source) source.close();
    body.classList.add('is-revoked');
    document.querySelector('[data-revoked]').classList.remove('hidden');
    setLive(false);
  }

  async function refresh() {
    if (revoked) return;
    if (refreshing) { again = true; return; }
    refreshing = true;
    try {
      const r = await fetch(tilesUrl, { credentials: 'same-origin', cache: 'no-store', headers: { 'HX-Request': 'true' } });
      if (r.status === 401 || r.status === 403) { showRevoked(); return; }
      if (r.ok) {
        const html = await r.text();
        const tmp = document.createElement('div');
        tmp.innerHTML = html;
        localTimes(tmp);
        target.replaceChildren(...tmp.childNodes);
      }
    } catch (e) {
      // The core is restarting: the next event or the periodic refresh tries again.
    } finally {
      refreshing = false;
      if (again) { again = false; refresh(); }
    }
  }

  function connect() {
    if (revoked) return;
    source = new EventSource(eventsUrl);
    source.addEventListener('open', () => { setLive(true); refresh(); });
    source.addEventListener('alerts', () => refresh());
    source.addEventListener('error', () => {
      setLive(false);
      // The stream dropped (a restart of the core, or a revoked token): ask before the browser reconnects, so a
      // revoked token ends here with a clear state instead of a reconnection refused over and over.
      const closed = source.readyState === EventSource.CLOSED;
      refresh().then(() => { if (!revoked && closed) setTimeout(connect, 5000); });
    });
  }

  localTimes(target);
  tick();
  setInterval(tick, 1000);
  // Node status changes raise no event: a full refresh each minute.
  setInterval(refresh, 60000);
  connect();
})();
