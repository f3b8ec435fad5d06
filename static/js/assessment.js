// Live assessment: post the exam form as typed to the preview endpoint after each change
// and show the returned panel. Saving works the same without JavaScript.
(function () {
  "use strict";
  const holder = document.querySelector("[data-preview-url]");
  const form = document.getElementById("exam-form");
  const panel = document.getElementById("assessment");
  if (!holder || !form || !panel) return;
  let timer = null;
  let latest = 0;
  function refresh() {
    const ticket = ++latest;
    fetch(holder.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        if (ticket === latest) panel.innerHTML = html;
      })
      .catch(() => {});
  }
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();
