// On every page of the patient's questionnaire: a page sent by its button either landed
// (this page is a questionnaire page: its unsent copy goes) or did not (the link's page:
// the copy waits to be sent when the link is opened again). See js/questionnaire.js.
(function () {
  "use strict";
  var sent = window.sessionStorage.getItem("questionnaire-sent");
  if (!sent) return;
  window.sessionStorage.removeItem("questionnaire-sent");
  if (document.body.getAttribute("data-link") !== "unusable") {
    window.localStorage.removeItem("questionnaire-pending:" + sent);
  }
})();
