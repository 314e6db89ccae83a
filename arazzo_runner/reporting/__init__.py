"""What the commands show and leave behind: progress, reports, descriptions and graphs.

* :mod:`.progress` - live progress on a terminal, plain lines in a pipe, ``-v``/``-q``;
* :mod:`.recorder` - the listener that keeps exchanges and timings for reports;
* :mod:`.json_report`, :mod:`.junit`, :mod:`.har` - the ``--report`` formats;
* :mod:`.files` - writing report files atomically;
* :mod:`.describe` - steps, criteria and actions as JSON and as one-line text;
* :mod:`.mermaid` - a workflow's control flow as a Mermaid flowchart;
* :mod:`.terminal` - is a stream a terminal, may it be coloured.

Everything goes through the run's :class:`~arazzo_runner.masking.SecretMasker`.
"""
