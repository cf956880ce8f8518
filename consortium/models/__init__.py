"""Left for the search feature's checkpoint table until it moves into its feature package."""
