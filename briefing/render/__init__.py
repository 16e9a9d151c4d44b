"""How answers read: plain data in, cards out, no I/O.

`cards` holds Discord's limits and the one place that makes a card fit them; `words` the
status words, dates, actors and sources every answer shares; `claim`, `listings` and `about`
draw the answers themselves.
"""
