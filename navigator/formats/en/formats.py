# English dates as Navigator has always written them, day first and the month in words, so an
# American and a British reader read "2 December 2026" the same way (Django's own English is
# "Dec. 2, 2026").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
