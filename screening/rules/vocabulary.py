"""The fixed vocabulary of the screening profile (shared/domain/case-schema.md).

Everything the intake, the rules and the tests agree on lives here, so a new value is added in
one place and validation, the engine and the docs pick it up together.
"""

PRODUCT_KEYS = (
    "kymriah",
    "yescarta",
    "breyanzi",
    "abecma",
    "carvykti",
    "tecartus",
    "besponsa",
    "revuforj",
    "blincyto",
    "aucatzyl",
    "komzifti",
    "tecvayli",
    "elrexfio",
    "talvey",
    "lynozyfic",
    "epkinly",
    "columvi",
    "lunsumio",
    "blenrep",
)

DIAGNOSES = {
    "b_all": "B-cell precursor acute lymphoblastic leukemia",
    "t_all": "T-cell acute lymphoblastic leukemia",
    "aml": "acute myeloid leukemia",
    "mpal": "mixed-phenotype acute leukemia",
    "cll": "chronic lymphocytic leukemia",
    "sll": "small lymphocytic lymphoma",
    "dlbcl": "diffuse large B-cell lymphoma (including transformation from an indolent lymphoma)",
    "hgbcl": "high-grade B-cell lymphoma",
    "pmbcl": "primary mediastinal large B-cell lymphoma",
    "lbcl_other": "another large B-cell lymphoma subtype",
    "fl": "follicular lymphoma (grades 1-3A)",
    "mcl": "mantle cell lymphoma",
    "mzl": "marginal zone lymphoma",
    "mm": "multiple myeloma",
    "pcnsl": "primary central nervous system lymphoma",
}

DISEASE_STATUSES = {
    "newly_diagnosed": "newly diagnosed (never in remission, never relapsed)",
    "first_remission": "in first complete remission",
    "first_remission_mrd_positive": "in first complete remission with detectable MRD",
    "second_remission": "in second complete remission",
    "second_remission_mrd_positive": "in second complete remission with detectable MRD",
    "relapsed": "in first relapse",
    "second_or_later_relapse": "in second or later relapse",
    "refractory": "refractory (not responding to treatment)",
    "relapsed_after_transplant": "relapsed after a stem cell transplant",
}

RELAPSED_OR_REFRACTORY = frozenset(
    {"relapsed", "second_or_later_relapse", "refractory", "relapsed_after_transplant"}
)
FIRST_OR_SECOND_REMISSION = frozenset(
    {
        "first_remission",
        "first_remission_mrd_positive",
        "second_remission",
        "second_remission_mrd_positive",
    }
)

PRIOR_THERAPIES = {
    "chemotherapy": "chemotherapy",
    "anthracycline": "an anthracycline",
    "anti_cd20": "an anti-CD20 antibody (e.g. rituximab)",
    "btk_inhibitor": "a BTK inhibitor",
    "bcl2_inhibitor": "a BCL-2 inhibitor (venetoclax)",
    "imid": "an immunomodulatory agent (lenalidomide, pomalidomide, thalidomide)",
    "proteasome_inhibitor": "a proteasome inhibitor",
    "anti_cd38": "an anti-CD38 antibody",
    "allogeneic_sct": "an allogeneic stem cell transplant",
    "autologous_sct": "an autologous stem cell transplant",
    "blinatumomab": "blinatumomab",
    "inotuzumab": "inotuzumab ozogamicin",
    "cd19_car_t": "a CD19-directed CAR-T therapy",
    "bcma_car_t": "a BCMA-directed CAR-T therapy",
    "tki": "a BCR-ABL tyrosine kinase inhibitor",
    "hypomethylating_agent": "a hypomethylating agent",
    "bcma_bispecific": "a BCMA bispecific antibody (teclistamab, elranatamab, linvoseltamab)",
    "bcma_adc": "a BCMA antibody-drug conjugate (belantamab mafodotin)",
    "gprc5d_directed": "a GPRC5D-directed therapy (talquetamab, or a GPRC5D CAR-T in a trial)",
    "cd20_bispecific": "a CD20 bispecific antibody (epcoritamab, glofitamab, mosunetuzumab)",
    "menin_inhibitor": "a menin inhibitor (revumenib, ziftomenib)",
}

# The therapies directed at each target a product may share (C7, C15). CD19 counts only an
# earlier CD19 CAR-T; rituximab (anti_cd20) is not a CD20 bispecific.
SAME_TARGET_THERAPIES = {
    "CD19": ("cd19_car_t",),
    "BCMA": ("bcma_car_t", "bcma_bispecific", "bcma_adc"),
    "GPRC5D": ("gprc5d_directed",),
    "CD20": ("cd20_bispecific",),
    "menin": ("menin_inhibitor",),
}

BIOMARKERS = {
    "cd19_positive": "CD19 expression",
    "cd22_positive": "CD22 expression",
    "bcma_positive": "BCMA expression",
    "kmt2a_rearranged": "KMT2A translocation",
    "npm1_mutated": "susceptible NPM1 mutation",
    "philadelphia_positive": "Philadelphia chromosome (BCR::ABL1)",
}

# Yes/no facts of the schema, each with the readable name used in explanations.
FLAGS = {
    "relapse_within_12_months": "relapse within 12 months of first-line chemoimmunotherapy",
    "transplant_eligible": "candidate for autologous stem cell transplant",
    "lenalidomide_refractory": "refractory to lenalidomide",
    "in_consolidation_phase": "in the consolidation phase of multiphase chemotherapy",
    "no_satisfactory_alternative": "no satisfactory alternative treatment options",
}

# Navigator's own optional additions to the schema: C9 review flags that the contract has no
# field for. Absent means unknown; they never change a verdict.
OPTIONAL_FLAGS = {
    "active_infection": "active infection",
    "cns_involvement": "central nervous system involvement",
}
