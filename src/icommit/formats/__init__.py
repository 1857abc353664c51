"""Date and number formats of icommit's languages where Django's defaults do not suit.

English follows European (en-GB) conventions: day, month, year and the 24-hour clock, as the
people using icommit in European cities expect; German keeps Django's own formats.
"""
