"""What funding programmes ask of a body, each with the rule that defines it (a programme's
region bonus or higher rate names one of these codes; a body carries the ones that apply)."""

BODY_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "lep_rbh": (
        "Raum mit besonderem Handlungsbedarf",
        "Landesentwicklungsprogramm Bayern (LEP) 2.2.3 und Anhang 2",
    ),
    "staerkungspakt": (
        "Teilnahme am Stärkungspakt Stadtfinanzen",
        "Stärkungspaktgesetz NRW vom 9. Dezember 2011",
    ),
}
