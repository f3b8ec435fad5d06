// The patient's questionnaire (and the follow-up on their course page, which has no urgent
// advice or body map): save in the background while typing, show urgent advice
// at once, and let the body map's areas be tapped. Without JavaScript every part still
// works: the buttons save, the advice shows after saving, the areas are checkboxes.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = form.querySelector("[data-autosave-status]");
  var DELAY = 3000;
  var timer = null;
  var dirty = false;
  var saving = null; // the background save in flight, if any

  function formData() {
    var data = new FormData(form);
    data.delete("file"); // a file goes with "Add this file", never with a background save
    data.append("autosave", "1");
    return data;
  }

  // Answers not yet sent (the link's session ended, the connection dropped) wait in this
  // browser and are sent the next time a step of the questionnaire opens.
  var PENDING = "questionnaire-pending:";
  function keepPending() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") entries.push([name, value]);
    });
    try { window.localStorage.setItem(PENDING + form.action, JSON.stringify(entries)); } catch (e) { /* full */ }
  }
  function sendPending() {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf(PENDING) !== 0) return;
      var action = key.slice(PENDING.length);
      var data = new FormData();
      JSON.parse(window.localStorage.getItem(key) || "[]").forEach(function (e) { data.append(e[0], e[1]); });
      data.append("autosave", "1");
      if (token) data.set("csrfmiddlewaretoken", token.value);
      fetch(action, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
        if (!response.ok) return;
        window.localStorage.removeItem(key);
        if (action === form.action) window.location.reload(); // show what was just sent
      });
    });
  }
  sendPending();

  function save() {
    timer = null;
    if (!dirty || saving) return;
    dirty = false;
    if (status) status.textContent = "Saving…";
    saving = fetch(form.action, { method: "POST", body: formData(), credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 400) return null; // refused as it stands: the button says why
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (result) {
        if (!result) {
          if (status) status.textContent = "Not saved: press the button below to see why.";
          return;
        }
        if (status) status.textContent = "Saved at " + result.saved_at + ".";
        // The page now shows what was saved: the next save sends only what changes next.
        var shown = form.querySelector("input[name=shown]");
        if (shown && result.shown) shown.value = result.shown;
      })
      .catch(function () {
        dirty = true;
        keepPending();
        if (status) status.textContent = "Not saved yet: check your connection. We will try again.";
        schedule();
      })
      .finally(function () { saving = null; });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  function changed() {
    dirty = true;
    schedule();
  }

  // An answer given before this script arrived (a slow phone connection) sent no event:
  // the page differs from what it was served with, so save it like any other change.
  function differsFromServed(field) {
    if (field.type === "hidden" || field.type === "file" || field.disabled) return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.options && field.multiple) {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    if (field.options) { // served with none marked, a list shows its first option
      var served = Array.prototype.findIndex.call(field.options, function (o) { return o.defaultSelected; });
      return field.selectedIndex !== Math.max(served, 0);
    }
    return "defaultValue" in field && field.value !== field.defaultValue;
  }
  if (Array.prototype.some.call(form.elements, differsFromServed)) changed();

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    keepPending();
    window.sessionStorage.setItem("questionnaire-sent", form.action); // see intake/unsent.js
    dirty = false;
    if (timer) clearTimeout(timer);
    // A background save still on its way could arrive after this one and undo the last
    // answers: send the page only once it has landed.
    if (saving && form.requestSubmit) {
      event.preventDefault();
      var submitter = event.submitter;
      saving.finally(function () { form.requestSubmit(submitter); });
    }
  });
  // Leaving by a link (the list of steps) still keeps what was typed.
  window.addEventListener("pagehide", function () {
    if (dirty && navigator.sendBeacon) navigator.sendBeacon(form.action, formData());
  });

  // Urgent advice as soon as an urgent sign is answered "yes": each sign's own words.
  var advice = document.getElementById("urgent-advice");
  var emergency = form.querySelectorAll("input[data-emergency]");
  function answeredYes(name) {
    var input = form.querySelector('input[name="' + name + '"][value="yes"]');
    return Boolean(input && input.checked);
  }
  function showAdvice() {
    if (!advice || !emergency.length) return;
    var any = false;
    advice.querySelectorAll("[data-advice-for]").forEach(function (block) {
      var yes = block.getAttribute("data-advice-for").split(" ").some(answeredYes);
      block.hidden = !yes;
      any = any || yes;
    });
    var wasHidden = advice.hidden;
    advice.hidden = !any;
    if (any && wasHidden) advice.scrollIntoView({ behavior: "smooth", block: "center" });
  }
  emergency.forEach(function (input) { input.addEventListener("change", showAdvice); });

  // The body map: tapping an area ticks its checkbox, and the other way round.
  var map = form.querySelector("[data-body-map]");
  if (map) {
    var boxes = {};
    form.querySelectorAll("input[data-map-box]").forEach(function (box) { boxes[box.value] = box; });
    var paint = function () {
      map.querySelectorAll(".map-region").forEach(function (region) {
        var box = boxes[region.getAttribute("data-value")];
        region.classList.toggle("is-selected", Boolean(box && box.checked));
      });
    };
    map.addEventListener("click", function (event) {
      var region = event.target.closest(".map-region");
      if (!region) return;
      var box = boxes[region.getAttribute("data-value")];
      if (!box) return;
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-map-box")) paint();
    });
    paint();
  }
})();
