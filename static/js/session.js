// Staff pages: warn before the idle timeout signs the user out, and keep what was typed
// in a form (exam, plan, patient, episode) in this tab's storage, so that a form sent
// after the session ended comes back filled in once the user has signed in again.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var WARN_BEFORE = 120;

  // --- the warning ---------------------------------------------------------------------
  var warning = document.getElementById("idle-warning");
  var timer = null;
  function arm() {
    if (!idle || !warning) return;
    if (timer) clearTimeout(timer);
    warning.hidden = true;
    timer = setTimeout(function () { warning.hidden = false; }, Math.max(idle - WARN_BEFORE, 10) * 1000);
  }
  if (warning) {
    warning.querySelector("button").addEventListener("click", function () {
      fetch(warning.getAttribute("data-keepalive-url"), { credentials: "same-origin" })
        .then(function (response) { if (response.ok) arm(); else window.location.reload(); });
    });
  }
  arm();

  // --- drafts of forms -----------------------------------------------------------------
  var forms = document.querySelectorAll("#exam-form, #plan-form, #referral-form, form[data-keep-draft]");
  var signedInAgain = /\/accounts\/login\//.test(document.referrer);
  forms.forEach(function (form) {
    var key = "draft:" + window.location.pathname + "#" + (form.id || "form");
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept && signedInAgain) {
      restore(form, kept);
      var note = document.createElement("div");
      note.className = "alert alert-warning";
      note.setAttribute("role", "status");
      note.textContent = "You were signed out before this form was saved. What you typed is back: check it and save.";
      form.parentNode.insertBefore(note, form);
    } else {
      window.sessionStorage.removeItem(key);
    }
    function keep() {
      var values = [];
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.name === "csrfmiddlewaretoken" || field.type === "file") return;
        if (field.type === "submit" || field.type === "button") return;
        if ((field.type === "checkbox" || field.type === "radio")) {
          values.push([field.name, field.value, field.checked]);
        } else if (field.tagName === "SELECT" && field.multiple) {
          Array.prototype.forEach.call(field.options, function (o) { values.push([field.name, o.value, o.selected]); });
        } else {
          values.push([field.name, field.value, null]);
        }
      });
      try { window.sessionStorage.setItem(key, JSON.stringify(values)); } catch (e) { /* full */ }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", keep);
  });

  function restore(form, values) {
    values.forEach(function (entry) {
      var name = entry[0], value = entry[1], checked = entry[2];
      var fields = form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']");
      Array.prototype.forEach.call(fields, function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === value) field.checked = checked;
        } else if (field.tagName === "SELECT" && field.multiple) {
          Array.prototype.forEach.call(field.options, function (o) { if (o.value === value) o.selected = checked; });
        } else {
          field.value = value;
        }
      });
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }
})();
