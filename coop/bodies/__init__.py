"""The partner registry: bodies (Gebietskörperschaften) and their hierarchy."""
