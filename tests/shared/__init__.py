"""What the Flask, Quart and ASGI tests share: header names and checks, option sets and
requests, seed snippets, the table-row plumbing of the pages of differences."""
