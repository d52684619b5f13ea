{#
    The unrolled connected-components rounds were enough on this data: one more
    round of propagation and pointer jumping would change no node's label.
#}
{% test one_more_round_changes_nothing(model) %}

select node_id, component_id, component_id_after_extra_round
from {{ model }}
where component_id <> component_id_after_extra_round

{% endtest %}
