"""Less Annoying CRM: the API client (`client.py`) and the jobs that use it (contact pull)."""
