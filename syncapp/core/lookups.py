"""`field__any_of=[…]`: one array parameter (`= ANY(%s)`) instead of IN (%s, %s, …).

The sync engine looks thousands of keys up per batch; an IN list of thousands of
placeholders costs more to build, interpolate and parse than the query costs to
run. An empty list matches nothing, as `__in=[]` does.
"""

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup
@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
