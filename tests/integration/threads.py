"""Jobs raced against each other on PostgreSQL, each thread on its own connection."""

import threading

from django.db import connection


def run_together(jobs) -> list:
    """Run each job in its own thread, all released at once; their results, in order. An
    exception (a refusal, a deadlock, a bug) is the job's result, for the test to judge."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results
