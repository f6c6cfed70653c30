/* Knowledge-base editor: upload an image without leaving the page and put its Markdown
   where the cursor is in the article's text. Without this script the form posts normally
   and the page lists the image with its Markdown. */
(function () {
  "use strict";
  var form = document.getElementById("image-upload");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector(".image-status");

  var area = document.getElementById(form.dataset.target);
  var placed = false;  /* has the editor put the cursor in the text? else append at the end */
  if (area) ["focus", "click", "keyup"].forEach(function (name) {
    area.addEventListener(name, function () { placed = true; });
  });

  /* The image as a paragraph of its own where the cursor was. */
  function insert(text) {
    if (!area) return;
    var start = placed ? area.selectionStart : area.value.length;
    var end = placed ? area.selectionEnd : start;
    var before = area.value.slice(0, start).replace(/\s+$/, "");
    var after = area.value.slice(end).replace(/^\s+/, "");
    var block = (before ? "\n\n" : "") + text + (after ? "\n\n" : "\n");
    start = before.length;
    area.value = before + block + after;
    area.focus();
    placed = true;
    area.selectionStart = area.selectionEnd = start + block.length;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = "";
    status.classList.remove("error");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (answer.ok) {
        insert(answer.data.markdown);
        status.textContent = answer.data.markdown;
        form.reset();
      } else {
        status.textContent = (answer.data.errors || []).join(" ");
        status.classList.add("error");
      }
    }).catch(function () {
      status.textContent = document.documentElement.dataset.errorText || "";
      status.classList.add("error");
    });
  });
})();
