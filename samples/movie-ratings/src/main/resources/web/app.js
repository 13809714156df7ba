// The movie-ratings page: fills the pickers, asks the serving endpoint for a prediction and shows the drift status.
const byId = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);

async function json(url) {
  const answer = await fetch(url);
  const body = await answer.json();
  if (!answer.ok) {
    throw new Error(body.error || `${url} answered ${answer.status}`);
  }
  return body;
}

function fill(select, items, label, wanted) {
  for (const item of items) {
    const option = document.createElement('option');
    option.value = item.id;
    option.textContent = label(item);
    option.selected = String(item.id) === wanted;
    select.appendChild(option);
  }
}

async function predict() {
  byId('error').hidden = true;
  try {
    const p = await json(`api/predict?user=${byId('user').value}&movie=${byId('movie').value}`);
    byId('stars').textContent = p.stars.toFixed(1);
    byId('model').textContent = p.model;
    byId('version').textContent = p.version;
    byId('route').textContent = p.route;
    byId('millis').textContent = `${p.computeMillis.toFixed(2)} ms`;
    byId('result').hidden = false;
  } catch (e) {
    byId('result').hidden = true;
    byId('error').textContent = e.message;
    byId('error').hidden = false;
  }
}

async function showDrift() {
  const d = await json('api/drift');
  const panel = byId('drift');
  panel.className = `panel ${d.drift ? 'drift' : 'calm'}`;
  panel.textContent = d.drift
    ? `Drift status: DRIFT in ${d.drifted.length} of ${d.features} features (${d.drifted.join(', ')}); `
      + `the endpoint now serves version ${d.servingVersion}.`
    : `Drift status: no drift in ${d.features} features; the endpoint serves version ${d.servingVersion}.`;
}

async function start() {
  const options = await json('api/options');
  fill(byId('user'), options.users, (u) => `user ${u.id}`, params.get('user'));
  fill(byId('movie'), options.movies, (m) => `${m.title} (#${m.id})`, params.get('movie'));
  byId('ask').addEventListener('submit', (event) => {
    event.preventDefault();
    predict();
  });
  await Promise.all([predict(), showDrift()]);
}

start().catch((e) => {
  byId('error').textContent = e.message;
  byId('error').hidden = false;
});
