// Opens a gallery item in the viewer. The viewer's code (and the DICOM library behind it)
// is imported only on the first click, so a case page costs nothing more until then.
// Without JavaScript, or with a modifier key, the link opens the item's preview image.
(function () {
  "use strict";
  var gallery = document.querySelector("[data-viewer-module]");
  if (!gallery || !window.HTMLDialogElement) { return; }
  var moduleUrl = gallery.getAttribute("data-viewer-module");
  var loading = null;

  gallery.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-viewer]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    loading = loading || import(moduleUrl);
    link.setAttribute("aria-busy", "true");
    loading
      .then(function (viewer) { return viewer.openViewer(link.getAttribute("data-viewer"), link); })
      .catch(function () { window.location.href = link.href; })
      .then(function () { link.removeAttribute("aria-busy"); });
  });
})();
