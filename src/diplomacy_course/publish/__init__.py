"""Publishing the course: the leak check and the student-facing export."""
