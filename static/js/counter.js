// A counter under every text box with a length limit, instead of the browser's silent
// stop at the limit: what is typed or pasted stays whole, the counter says how much is
// over, and the server refuses an answer that is too long with a message.
(function () {
  "use strict";
  document.querySelectorAll("textarea[maxlength]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("maxlength"), 10);
    if (!limit) return;
    box.removeAttribute("maxlength");
    var note = document.createElement("div");
    note.className = "form-text char-count";
    note.id = (box.id || box.name) + "-count";
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    box.insertAdjacentElement("afterend", note);
    var wasOver = false;
    function update() {
      var used = box.value.length;
      var over = used > limit;
      note.textContent = over
        ? used + " of " + limit + " characters: " + (used - limit) + " too many, please shorten it"
        : used + " of " + limit + " characters";
      note.classList.toggle("text-danger", over);
      // Announced only when it crosses the limit, not at every key.
      if (over !== wasOver) note.setAttribute("role", over ? "alert" : "status");
      wasOver = over;
    }
    box.addEventListener("input", update);
    update();
  });
})();
