// The API reference: Swagger UI (served from our static files) renders the generated OpenAPI
// document. No inline script, so the site's Content Security Policy needs no exception.
const root = document.getElementById('swagger-ui')

// Swagger UI draws a parameter's allowed values as a <select> with no label: name each one
// after its parameter, as it is drawn, so screen readers announce what it is for.
function labelParameterControls (scope) {
  scope.querySelectorAll('tr[data-param-name] select:not([aria-label]), tr[data-param-name] input:not([aria-label])')
    .forEach((control) => {
      const name = control.closest('tr[data-param-name]').dataset.paramName
      control.setAttribute('aria-label', `Value of the ${name} parameter`)
    })
}

if (root && window.SwaggerUIBundle) {
  new MutationObserver(() => labelParameterControls(root))
    .observe(root, { childList: true, subtree: true })
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: false,
    // Never send the document to an outside validator.
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false
  })
}
