/* Starts django-ninja's Swagger UI for icommit's API docs page (api/docs.html), with no inline
   script. Compared with ninja's own swagger-ui-init.js it adds one plugin for accessibility:
   the page's own <h1> replaces Swagger UI's info block (no second h1, no title outside the
   outline) and an <h2> "Endpoints" comes before the <h3> of each group of operations, so the
   heading levels never skip one. The settings (deepLinking off: its link inside each
   operation's toggle button was a control nested in a control) come from api/main.py. */
(function () {
  "use strict";
  var data = document.body.dataset;
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);

  function OutlinePlugin(system) {
    var React = system.React;
    return {
      wrapComponents: {
        InfoContainer: function () {
          return function () { return null; };
        },
        operations: function (Original) {
          return function (props) {
            return React.createElement(
              React.Fragment,
              null,
              React.createElement("h2", { className: "docs-endpoints" }, "Endpoints"),
              React.createElement(Original, props)
            );
          };
        },
      },
    };
  }

  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.plugins = [OutlinePlugin];
  if (data.apiCsrf && data.csrfToken) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = data.csrfToken;
      return req;
    };
  }
  window.ui = SwaggerUIBundle(config);

  /* Names Swagger UI leaves out, added as it renders (it keeps attributes it does not manage):
     each responses table is a region named after its operation (they were all unnamed), a code
     example that scrolls can be reached with the keyboard, and a parameter's field or list and
     the request body editor and the copy buttons are named, and no id is used twice. */
  var root = document.getElementById("swagger-ui");

  function operationName(el) {
    var op = el.closest(".opblock");
    var method = op && op.querySelector(".opblock-summary-method");
    var path = op && op.querySelector(".opblock-summary-path");
    return op ? (method ? method.textContent : "") + " " + (path ? path.textContent : "") : "";
  }

  function name(el, text) {
    if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby") && !el.labels?.length) {
      el.setAttribute("aria-label", text);
    }
  }

  function patch() {
    root.querySelectorAll("table.responses-table[role=region]").forEach(function (t) {
      name(t, "Responses: " + operationName(t));
    });
    root.querySelectorAll("pre.example, .highlight-code > pre").forEach(function (pre) {
      if (!pre.hasAttribute("tabindex")) pre.setAttribute("tabindex", "0");
    });
    root.querySelectorAll("tr[data-param-name] select, tr[data-param-name] input").forEach(function (el) {
      name(el, el.closest("tr").getAttribute("data-param-name"));
    });
    root.querySelectorAll(".copy-to-clipboard > button").forEach(function (el) {
      name(el, "Copy to clipboard");
    });
    // In "Try it out" Swagger UI gives the request's media type list and the label around it
    // one id; the list keeps it.
    root.querySelectorAll("label[id]").forEach(function (el) {
      if (el.querySelector("#" + CSS.escape(el.id))) el.removeAttribute("id");
    });
    root.querySelectorAll(".body-param textarea").forEach(function (el) {
      name(el, "Request body: " + operationName(el));
    });
  }

  new MutationObserver(patch).observe(root, { childList: true, subtree: true });
})();
