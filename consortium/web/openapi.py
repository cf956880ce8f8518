"""What the OpenAPI document says beyond the views' own schemas: who may call each operation,
and the file upload's request body in OpenAPI 3 form.

Security follows the URL space (docs/design.md): ``/api/v1/members/<code>/…`` takes a member's
bearer key; ``/api/v1/staff/…`` takes the staff session cookie, and state-changing staff
requests also the session's CSRF token in ``X-CSRFToken``; everything else is public. One
apispec plugin states it for every operation, so a new view is documented by where it lives.
flask-smorest writes a form field beside an upload as an OpenAPI 2 ``in: formData``
parameter; the plugin moves such fields into the ``multipart/form-data`` body.
"""
from apispec import BasePlugin

SECURITY_SCHEMES = {
    "memberKey": {"type": "http", "scheme": "bearer",
                  "description": "A member's API key (`consortium keys issue CODE`); it acts for its own member only."},
    "staffSession": {"type": "apiKey", "in": "cookie", "name": "session",
                     "description": "The staff session cookie, set by logging in at /staff/login."},
    "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                  "description": "The session's CSRF token (GET /api/v1/staff/csrf), for state-changing staff requests."},
}
SAFE_METHODS = ("get", "head", "options")


def security_for(path: str, method: str) -> list[dict]:
    """The OpenAPI ``security`` of one operation ([] means public)."""
    if path.startswith("/api/v1/members/"):
        return [{"memberKey": []}]
    if path.startswith("/api/v1/staff/"):
        return [{"staffSession": []}] if method in SAFE_METHODS else [{"staffSession": [], "csrfToken": []}]
    return []


def _form_fields_into_body(operation: dict, components) -> None:
    """One ``multipart/form-data`` object: the upload schema's fields and the form fields."""
    form = [p for p in operation.get("parameters", []) if p.get("in") == "formData"]
    body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if not form or body is None:
        return
    operation["parameters"] = [p for p in operation["parameters"] if p.get("in") != "formData"]
    if not operation["parameters"]:
        del operation["parameters"]
    schema = body["schema"]
    if "$ref" in schema:  # the upload schema forbids other properties: copy it rather than combine
        schema = components.schemas[schema["$ref"].rsplit("/", 1)[-1]]
    merged = {"type": "object", "properties": dict(schema.get("properties", {})),
              "required": list(schema.get("required", []))}
    for param in form:
        merged["properties"][param["name"]] = {**param.get("schema", {}), "description": param.get("description", "")}
        if param.get("required"):
            merged["required"].append(param["name"])
    body["schema"] = merged


class ConsortiumDocPlugin(BasePlugin):
    def init_spec(self, spec):
        self.components = spec.components
        for name, scheme in SECURITY_SCHEMES.items():
            spec.components.security_scheme(name, scheme)

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if not isinstance(operation, dict):
                continue
            operation["security"] = security_for(path or "", method)
            _form_fields_into_body(operation, self.components)
