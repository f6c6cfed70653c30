"""The agent desk's views, one module per page family. Views parse input, call the service
layer or the visibility door, and render."""
