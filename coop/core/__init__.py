"""The pure core: money and locale-aware formatting, decision status, the funding check and its
ceilings, the savings model and the reminder rules.

Plain data in (dataclasses, `Decimal`, `date`), plain data and message keys with their values out.
Nothing here imports Flask, the database or any other coop package (the import contract in
`.importlinter` keeps it so), which is why every figure people rely on can be tested by hand.
"""
