-- Administration (issue 5): admins list accounts by role, page by page.

CREATE INDEX users_role ON users(role, id);
