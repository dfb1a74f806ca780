/* Small page behaviours without inline JavaScript (the Content-Security-Policy allows scripts from the site only):
 *   <form data-confirm="确定删除这件文件吗？">   asks before submitting;
 *   <button data-print>                         prints the page;
 *   <input data-select-on-click>                selects its text when clicked (a token to copy).
 * Loaded once from base.html: <script src="{% static 'xxgk/security/behaviours.js' %}" defer></script>
 */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    if (target.closest("[data-print]")) {
      window.print();
    }
    var field = target.closest("[data-select-on-click]");
    if (field && typeof field.select === "function") {
      field.select();
    }
  });
})();
