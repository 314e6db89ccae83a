"""What a run shows and leaves behind: terminal progress and report files.

* :mod:`.progress` - live progress on a terminal, plain lines in a pipe, ``-v``/``-q``;
* :mod:`.recorder` - the listener that keeps exchanges and timings for reports;
* :mod:`.json_report`, :mod:`.junit`, :mod:`.har` - the ``--report`` formats;
* :mod:`.files` - ``--report KIND=FILE`` parsing and atomic writing.

Everything goes through the run's :class:`~arazzo_runner.masking.SecretMasker`.
"""
