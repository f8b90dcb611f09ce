"""A small OpenAPI 3.0 response checker (standard library only) for the faces' tests.

    checker = OpenApiChecker(document)           # the parsed openapi.json
    checker.check_response(testcase, "get", "/nodes/{nodeUuid}", 200, response)

finds the operation by its path template (as written in the document, relative to the
server URL) and method, takes the response schema for the status, and validates the JSON
body against it: $ref, type (with nullable), required, properties, additionalProperties,
enum, items, minimum/maximum, and the uuid / date-time / int64 formats. Non-JSON responses
are checked for their content type only.
"""

import datetime
import re

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class SchemaError(AssertionError):
    pass


class OpenApiChecker:
    def __init__(self, document):
        self.doc = document
        self.checked = set()  # (method, path, status) validated at least once

    def resolve(self, schema):
        seen = 0
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise SchemaError("external $ref %s" % ref)
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part]
            schema = node
            seen += 1
            if seen > 50:
                raise SchemaError("$ref loop at %s" % ref)
        return schema

    def response_spec(self, method, path, status):
        op = self.doc["paths"].get(path, {}).get(method.lower())
        if op is None:
            raise SchemaError("the OpenAPI document has no %s %s" % (method.upper(), path))
        spec = op["responses"].get(str(status))
        if spec is None:
            raise SchemaError("%s %s does not document status %s" % (method.upper(), path, status))
        return spec

    def check_response(self, testcase, method, path, status, response):
        spec = self.response_spec(method, path, status)
        content = spec.get("content")
        self.checked.add((method.lower(), path, status))
        if not content:
            testcase.assertIn(response.raw, (b"",), "%s %s %s should have no body" % (method, path, status))
            return
        ctype = (response.header("Content-Type") or "").split(";")[0].strip()
        testcase.assertIn(ctype, content, "%s %s: content type %s not documented" % (method, path, ctype))
        if ctype != "application/json":
            return
        try:
            self.validate(content[ctype]["schema"], response.json, "$")
        except SchemaError as e:
            testcase.fail("%s %s %s: response does not match the OpenAPI document: %s"
                          % (method.upper(), path, status, e))

    def validate(self, schema, value, where):
        schema = self.resolve(schema)
        if value is None:
            if schema.get("nullable") or not schema:
                return
            raise SchemaError("%s is null" % where)
        t = schema.get("type")
        if t == "object" or (t is None and "properties" in schema):
            if not isinstance(value, dict):
                raise SchemaError("%s is not an object: %r" % (where, value))
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    raise SchemaError("%s lacks required %r" % (where, name))
            extra = schema.get("additionalProperties", True)
            for k, v in value.items():
                if k in props:
                    self.validate(props[k], v, "%s.%s" % (where, k))
                elif extra is False:
                    raise SchemaError("%s has undocumented property %r" % (where, k))
                elif isinstance(extra, dict):
                    self.validate(extra, v, "%s.%s" % (where, k))
        elif t == "array":
            if not isinstance(value, list):
                raise SchemaError("%s is not an array" % where)
            for i, item in enumerate(value):
                self.validate(schema.get("items", {}), item, "%s[%d]" % (where, i))
        elif t == "string":
            if not isinstance(value, str):
                raise SchemaError("%s is not a string: %r" % (where, value))
            fmt = schema.get("format")
            if fmt == "uuid" and not UUID_RE.match(value):
                raise SchemaError("%s is not a uuid: %r" % (where, value))
            if fmt == "date-time":
                try:
                    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    raise SchemaError("%s is not a date-time: %r" % (where, value))
        elif t == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise SchemaError("%s is not an integer: %r" % (where, value))
        elif t == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SchemaError("%s is not a number: %r" % (where, value))
        elif t == "boolean":
            if not isinstance(value, bool):
                raise SchemaError("%s is not a boolean: %r" % (where, value))
        if "enum" in schema and value not in schema["enum"]:
            raise SchemaError("%s = %r is not one of %r" % (where, value, schema["enum"]))
        if "minimum" in schema and value < schema["minimum"]:
            raise SchemaError("%s below minimum" % where)
        if "maximum" in schema and value > schema["maximum"]:
            raise SchemaError("%s above maximum" % where)
