/* The new request's description: a small rich-text editor (bold, italic, lists, links) over
   the plain textarea. It keeps both fields filled: `body_html` with the editor's HTML (the
   server keeps only these tags, nh3) and the textarea with its plain text. Pasting brings
   plain text only. Without this script the textarea is the description. */
(function () {
  "use strict";
  var editor = document.querySelector(".rich-editor");
  if (!editor || !document.queryCommandSupported || !document.queryCommandSupported("bold")) return;
  var source = document.getElementById(editor.dataset.source);
  var html = document.getElementById(editor.dataset.html);
  var area = editor.querySelector(".rich-area");

  function sync() {
    html.value = area.innerHTML;
    source.value = area.innerText.trim();
  }

  if (html.value) area.innerHTML = html.value;  /* already made safe by the server */
  else if (source.value) area.textContent = source.value;
  editor.hidden = false;
  source.hidden = true;
  source.removeAttribute("required");

  editor.querySelectorAll("[data-command]").forEach(function (button) {
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      var command = button.dataset.command, value = null;
      area.focus();
      if (command === "createLink") {
        value = window.prompt(editor.dataset.linkPrompt, "https://");
        if (!value || !/^(https?:|mailto:)/i.test(value)) return;
      }
      document.execCommand(command, false, value);
      sync();
    });
  });
  area.addEventListener("input", sync);
  area.addEventListener("paste", function (event) {
    event.preventDefault();
    var text = (event.clipboardData || window.clipboardData).getData("text/plain");
    document.execCommand("insertText", false, text);
  });
  area.closest("form").addEventListener("submit", sync);
})();
