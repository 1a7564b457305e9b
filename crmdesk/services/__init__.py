"""One module per capability. Each call takes the Database and returns plain results;
writes return a `Changes` saying what they touched and how to undo it."""
