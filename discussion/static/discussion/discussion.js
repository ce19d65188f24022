// Casebook discussion: quoting a comment into the reply box, and condition suggestions.
// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  function quoteInto(button) {
    var source = document.getElementById(button.getAttribute("data-quote"));
    var body = source && source.querySelector(".comment-body");
    var box = document.querySelector("#new-comment textarea");
    if (!body || !box) { return; }
    var author = source.querySelector(".author strong");
    var lines = body.innerText.trim().split("\n").map(function (line) { return "> " + line; });
    if (author) { lines.unshift("> " + author.textContent.trim() + " wrote:"); }
    box.value = (box.value ? box.value.replace(/\s*$/, "\n\n") : "") + lines.join("\n") + "\n\n";
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  document.querySelectorAll("[data-quote]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { quoteInto(button); });
  });

  var lookup = "/contribute/conditions/?q=";
  document.querySelectorAll("input[data-conditions]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked || !list) { return; }
        asked = text;
        fetch(lookup + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (row) {
              var option = document.createElement("option");
              option.value = row.name;
              if (row.matched) { option.label = row.name + " (" + row.matched + ")"; }
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  });
})();
