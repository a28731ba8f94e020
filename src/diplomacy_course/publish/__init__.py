"""Publishing the course: launch links to the hub and the student-facing export."""
