/* Starts Swagger UI on the services' /docs pages (glos_chassis/templates/swagger_ui.html), without inline script. */
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({ url: container.dataset.specUrl, dom_id: "#swagger-ui-container" });
})();
