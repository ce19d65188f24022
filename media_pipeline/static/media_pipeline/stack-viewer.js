// Turns each series' list of images into a one-image stack viewer: a slider, the arrow keys
// or the mouse wheel move through the slices. Without JavaScript the list stays usable.
(function () {
  "use strict";

  function buildViewer(stack) {
    var sources = Array.prototype.map.call(stack.querySelectorAll("img.slice"), function (img) {
      return { src: img.getAttribute("src"), alt: img.getAttribute("alt") };
    });
    if (sources.length < 2) {
      return;
    }
    var viewer = document.createElement("div");
    viewer.className = "stack-viewer";
    viewer.tabIndex = 0;
    viewer.setAttribute("role", "group");
    viewer.setAttribute("aria-label", "Image stack: use the slider or the arrow keys");

    var image = document.createElement("img");
    var slider = document.createElement("input");
    var label = document.createElement("label");
    var sliderId = "stack-" + Math.random().toString(36).slice(2);
    slider.type = "range";
    slider.min = "1";
    slider.max = String(sources.length);
    slider.id = sliderId;
    label.htmlFor = sliderId;

    function show(position) {
      var index = Math.max(1, Math.min(sources.length, position));
      slider.value = String(index);
      image.src = sources[index - 1].src;
      image.alt = sources[index - 1].alt || "";
      label.textContent = "Image " + index + " of " + sources.length;
    }

    slider.addEventListener("input", function () { show(Number(slider.value)); });
    viewer.addEventListener("keydown", function (event) {
      var step = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 }[event.key];
      if (step && event.target !== slider) {
        event.preventDefault();
        show(Number(slider.value) + step);
      }
    });
    image.addEventListener("wheel", function (event) {
      event.preventDefault();
      show(Number(slider.value) + (event.deltaY > 0 ? 1 : -1));
    }, { passive: false });

    viewer.appendChild(image);
    viewer.appendChild(label);
    viewer.appendChild(slider);
    stack.parentNode.insertBefore(viewer, stack);
    stack.hidden = true;
    show(Math.ceil(sources.length / 2));
  }

  document.querySelectorAll(".media-stack").forEach(buildViewer);
})();
