// The look-up's filters stand open beside the results on a wide screen and fold
// away above them on a phone.
(function () {
  var wide = window.matchMedia("(min-width: 900px)");
  function follow() {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) {
      d.open = wide.matches;
    });
  }
  follow();
  wide.addEventListener("change", follow);
})();
