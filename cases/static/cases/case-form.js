// The case form, progressively enhanced (every part works without this file):
// - the progress list says which sections still miss a required field;
// - what the author types is kept on the server every few seconds (autosave), so a lost
//   connection or a closed tab costs nothing;
// - the diagnosis and the differentials get a typeahead over condition names and synonyms
//   (an ARIA 1.2 combobox); differentials also take free text, one per chip.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  if (!form) { return; }
  var conditionsUrl = form.getAttribute("data-conditions-url");
  var uid = 0;

  // --- Progress ------------------------------------------------------------------------
  var steps = document.querySelectorAll("[data-progress-step]");
  var summary = document.querySelector("[data-progress-summary]");

  function hasValue(field) {
    var boxes = field.querySelectorAll("input[type=checkbox], input[type=radio]");
    if (boxes.length) {
      return Array.prototype.some.call(boxes, function (box) { return box.checked; });
    }
    var control = field.querySelector("input, select, textarea");
    return Boolean(control && control.value.trim());
  }

  function updateProgress() {
    var done = 0;
    var sections = form.querySelectorAll("[data-form-section]");
    sections.forEach(function (section) {
      var required = section.querySelectorAll(".field.is-required");
      var filled = Array.prototype.every.call(required, hasValue);
      var step = document.querySelector('[data-progress-step="' + section.getAttribute("data-form-section") + '"]');
      if (step) {
        step.classList.toggle("is-done", filled);
        step.querySelector("[data-step-state]").textContent = filled ? "done" : "to do";
      }
      if (filled) { done += 1; }
    });
    if (summary) {
      summary.textContent = done + " of " + sections.length + " sections filled in";
    }
  }

  // --- Autosave ------------------------------------------------------------------------
  var autosaveUrl = form.getAttribute("data-autosave-url");
  var status = form.querySelector("[data-autosave-status]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var lastSent = null;
  var submitting = false;
  var DELAY_MS = 2000;

  function snapshot() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function autosave(keepalive) {
    clearTimeout(timer);
    timer = null;
    var body = snapshot();
    if (submitting || body === lastSent) { return; }
    lastSent = body;
    fetch(autosaveUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { Accept: "application/json", "X-CSRFToken": token }
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { throw new Error(data.error || "the server refused it"); }
          status.textContent = "Kept as you type (" + data.time + "). Save the draft to keep it for good.";
        });
      })
      .catch(function (error) {
        lastSent = null;
        status.textContent = "Not kept automatically: " + error.message + ".";
      });
  }

  function changed() {
    updateProgress();
    clearTimeout(timer);
    timer = setTimeout(autosave, DELAY_MS);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    submitting = true;
    clearTimeout(timer);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && timer) { autosave(true); }
  });

  // --- Condition typeahead -------------------------------------------------------------
  function Combobox(input, onChoose) {
    var list = document.createElement("ul");
    var listId = "conditions-" + (uid += 1);
    var active = -1;
    var results = [];
    var asked = "";
    var wait = null;
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching conditions");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.insertAdjacentElement("afterend", list);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.children;
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (option, position) {
        option.setAttribute("aria-selected", String(position === active));
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(rows) {
      results = rows;
      list.textContent = "";
      rows.forEach(function (row, position) {
        var option = document.createElement("li");
        option.id = listId + "-" + position;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = row.name;
        if (row.matched) {
          var matched = document.createElement("span");
          matched.className = "matched";
          matched.textContent = " (" + row.matched + ")";
          option.append(matched);
        }
        option.addEventListener("pointerdown", function (event) {
          event.preventDefault();
          choose(position);
        });
        list.append(option);
      });
      list.hidden = rows.length === 0;
      input.setAttribute("aria-expanded", String(rows.length > 0));
      active = -1;
    }

    function choose(position) {
      var row = results[position];
      close();
      if (row) { onChoose(row.name, true); }
    }

    function suggest() {
      var text = input.value.trim();
      if (text.length < 2) { show([]); return; }
      if (text === asked) { return; }
      asked = text;
      fetch(conditionsUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === text) { show(data.results || []); } })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      asked = asked === input.value.trim() ? "" : asked;
      clearTimeout(wait);
      wait = setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { asked = ""; suggest(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        } else if (onChoose.acceptsText) {
          event.preventDefault();
          close();
          onChoose(input.value.trim(), false);
        }
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  // The diagnosis: one condition, chosen from the list.
  form.querySelectorAll("input[data-condition-input=single]").forEach(function (input) {
    Combobox(input, function (name) {
      input.value = name;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // The differentials: chips backed by the text area (one per line), free text allowed.
  form.querySelectorAll("textarea[data-condition-input=multiple]").forEach(function (area) {
    var field = area.closest(".field");
    var label = field.querySelector("label[for='" + area.id + "']");
    var max = 10;
    var chips = document.createElement("ul");
    chips.className = "chips";
    chips.setAttribute("aria-label", "Differential diagnoses listed");
    var adder = document.createElement("div");
    adder.className = "chip-adder";
    var input = document.createElement("input");
    input.type = "text";
    input.id = area.id + "_add";
    input.maxLength = 200;
    var help = field.querySelector(".help");
    if (help) { input.setAttribute("aria-describedby", help.id); }
    var add = document.createElement("button");
    add.type = "button";
    add.className = "secondary";
    add.textContent = "Add";
    label.htmlFor = input.id;
    label.textContent = "Differential diagnoses: type and press Enter";
    adder.append(input, add);
    area.hidden = true;
    area.insertAdjacentElement("afterend", adder);
    area.insertAdjacentElement("afterend", chips);

    function values() {
      return area.value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
    }

    function write(lines) {
      area.value = lines.join("\n");
      area.dispatchEvent(new Event("input", { bubbles: true }));
      render();
    }

    function render() {
      chips.textContent = "";
      values().forEach(function (text, position) {
        var chip = document.createElement("li");
        chip.className = "chip";
        var name = document.createElement("span");
        name.textContent = text;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove";
        remove.setAttribute("aria-label", "Remove " + text);
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          var lines = values();
          lines.splice(position, 1);
          write(lines);
          input.focus();
        });
        chip.append(name, remove);
        chips.append(chip);
      });
      var full = values().length >= max;
      input.disabled = full;
      add.disabled = full;
      input.placeholder = full ? "At most " + max + " differentials" : "e.g. PE, pneumothorax, or your own words";
    }

    function append(text) {
      var lines = values();
      var exists = lines.some(function (line) { return line.toLowerCase() === text.toLowerCase(); });
      if (text && !exists && lines.length < max) {
        lines.push(text);
        write(lines);
      }
      input.value = "";
    }

    var chooser = function (name) { append(name); };
    chooser.acceptsText = true;
    Combobox(input, chooser);
    add.addEventListener("click", function () { append(input.value.trim()); input.focus(); });
    render();
  });

  updateProgress();
})();
