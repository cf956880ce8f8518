"""Web layer: thin views that parse, call one service function and serialize."""
