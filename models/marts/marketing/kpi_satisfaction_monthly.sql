-- Satisfaction per response month, buyer segment, channel of the surveyed touchpoint and
-- journey stage (metrics.md, Satisfaction): CSAT = responses scoring 4-5 / CSAT responses
-- (top-2-box); NPS = % promoters (9-10) - % detractors (0-6), in points. A respondent is a
-- buyer when their unified customer placed an order in the 90 days before the response (or
-- the order the response is about was placed then; int_survey_responses_joined).

with

responses as (
    select
        response_month,
        is_buyer,
        touchpoint_channel,
        journey_stage,
        survey_type,
        is_csat_top_two_box,
        is_nps_promoter,
        is_nps_detractor
    from {{ ref('int_survey_responses_joined') }}
),

aggregated as (

    select
        response_month,
        case when is_buyer then 'buyer' else 'non_buyer' end as buyer_segment,
        coalesce(touchpoint_channel, 'unknown') as touchpoint_channel,
        coalesce(journey_stage, 'unknown') as journey_stage,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_response_count,
        sum(case when is_csat_top_two_box then 1 else 0 end) as csat_top_two_box_count,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_response_count,
        sum(case when is_nps_promoter then 1 else 0 end) as nps_promoter_count,
        sum(case when is_nps_detractor then 1 else 0 end) as nps_detractor_count
    from responses
    group by 1, 2, 3, 4

)

select
    cast(response_month as date) as response_month,
    cast(buyer_segment as {{ dbt.type_string() }}) as buyer_segment,
    cast(touchpoint_channel as {{ dbt.type_string() }}) as touchpoint_channel,
    cast(journey_stage as {{ dbt.type_string() }}) as journey_stage,
    cast(csat_response_count as bigint) as csat_response_count,
    cast(csat_top_two_box_count as bigint) as csat_top_two_box_count,
    cast(csat_top_two_box_count as bigint) as csat_numerator,
    cast(csat_response_count as bigint) as csat_denominator,
    {{ ratio_or_null('csat_top_two_box_count', 'csat_response_count') }} as csat,
    cast(nps_response_count as bigint) as nps_response_count,
    cast(nps_promoter_count as bigint) as nps_promoter_count,
    cast(nps_detractor_count as bigint) as nps_detractor_count,
    cast(nps_promoter_count - nps_detractor_count as bigint) as nps_numerator,
    cast(nps_response_count as bigint) as nps_denominator,
    {{ ratio_or_null('100 * (nps_promoter_count - nps_detractor_count)', 'nps_response_count') }} as nps
from aggregated
