import sqlalchemy as sa
from alembic import op

TABLES = ["items", "users"]


def upgrade():
    conn = op.get_bind()
    for table in TABLES:
        conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN note TEXT"))
    insp = sa.inspect(conn)
    for name in insp.get_table_names():
        conn.execute(sa.text(f'ANALYZE "{name}"'))
    rows = conn.execute(sa.text("SELECT id, name FROM items")).fetchall()
    for r in rows:
        conn.execute(sa.text(f"UPDATE items SET slug = '{r[1].lower()}' WHERE id = {r[0]}"))
