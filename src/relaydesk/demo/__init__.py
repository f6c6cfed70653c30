"""The demo workspace: `relaydesk demo` fills an empty database with a realistic helpdesk."""
