"""Gap-free numbers per series and year (request numbers, certificate numbers).

The counter moves in the same transaction as the record that takes the number:
a rollback gives the number back, so committed numbers have no gaps. One atomic
UPDATE ... RETURNING makes concurrent takers queue on the row on both SQLite
and PostgreSQL.
"""
from sqlalchemy import Integer, String, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class NumberSequence(db.Model):
    __tablename__ = "number_sequences"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


def next_value(series: str, year: int) -> int:
    """Take the next number of `series` in `year` (1, 2, 3 ...)."""
    stmt = (update(NumberSequence)
            .where(NumberSequence.series == series, NumberSequence.year == year)
            .values(last=NumberSequence.last + 1).returning(NumberSequence.last))
    value = db.session.execute(stmt).scalar()
    if value is not None:
        return value
    try:
        with db.session.begin_nested():
            db.session.execute(insert(NumberSequence).values(series=series, year=year, last=1))
        return 1
    except IntegrityError:  # another transaction created the row first
        return db.session.execute(stmt).scalar_one()
