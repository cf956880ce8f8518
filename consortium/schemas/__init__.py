"""marshmallow schemas at the boundary: validate and normalise before any model is built."""
