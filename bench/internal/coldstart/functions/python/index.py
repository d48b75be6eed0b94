# The Python hello function of the cold-start benchmark: it answers the
# wall-clock time (CLOCK_REALTIME, µs) at which it was called.
import time


def handler(event, context):
    return '{"calledUs": %d}' % (time.time_ns() // 1000)
