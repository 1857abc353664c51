"""The joint work on a case: case conferences with minutes per case, the intervention plan, and
outcomes at closure and at follow-ups."""
