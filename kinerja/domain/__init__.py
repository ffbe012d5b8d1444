"""Domain rules and settings shared by every layer: data-contract schema, periods, working-day
calendar, NIP layout, assumptions register, audiences and k thresholds, month names, id-ID number
text, parameter files, the one settings object and the location of shipped files.
"""
