// The lifecycle policy every pull-through cache repository is created with, so cached images don't pile up.
// Rule parameters: ECR User Guide lifecycle_policy_parameters.html (countType sinceImagePulled, tagStatus any last).
//
// Multi-architecture images: a cached tag names an image index whose platform manifests are untagged. ECR's
// lifecycle pages (LifecyclePolicies.html, lifecycle_policy_parameters.html, lifecycle_policy_examples.html) say
// nothing of how evaluation treats manifests an index references, and open requests (aws/containers-roadmap#1466,
// #2613) report indexes and their children judged one by one. An "untagged" rule could then expire the children
// behind a tag still in use and break every later pull of it. So by default the only rule is "not pulled for N
// days" over any image: a pull of a tag pulls its index and the platform manifest used, so neither ages while the
// tag is used; children never pulled (other architectures; HealthOmics runs x86_64 only) may expire, which no pull
// of this platform needs. Expiring untagged images by age stays available as an opt-in (expireUntaggedAfterDays).
import { LifecycleSettings } from "../config/types";

export interface LifecycleRule {
    rulePriority: number;
    description: string;
    selection: {
        tagStatus: "untagged" | "any";
        countType: "sinceImagePushed" | "sinceImagePulled";
        countUnit: "days";
        countNumber: number;
    };
    action: { type: "expire" };
}

export interface LifecyclePolicy {
    rules: LifecycleRule[];
}

/** Undefined when the lifecycle policy is switched off. */
export function lifecyclePolicyDocument(settings: LifecycleSettings): LifecyclePolicy | undefined {
    if (!settings.enabled) {
        return undefined;
    }
    const untagged: LifecycleRule[] =
        settings.expireUntaggedAfterDays === undefined
            ? []
            : [
                  {
                      rulePriority: 1,
                      description:
                          `Expire untagged images ${settings.expireUntaggedAfterDays} days after they were ` +
                          `cached (opt-in: may expire the platform manifests of a multi-architecture image)`,
                      selection: {
                          tagStatus: "untagged",
                          countType: "sinceImagePushed",
                          countUnit: "days",
                          countNumber: settings.expireUntaggedAfterDays,
                      },
                      action: { type: "expire" },
                  },
              ];
    return {
        rules: [
            ...untagged,
            {
                // A rule with tagStatus "any" must have the highest rulePriority (lifecycle_policy_parameters.html).
                rulePriority: 2,
                description:
                    `Expire images not pulled for ${settings.expireNotPulledForDays} days; the cache ` +
                    `fetches them again on the next pull`,
                selection: {
                    tagStatus: "any",
                    countType: "sinceImagePulled",
                    countUnit: "days",
                    countNumber: settings.expireNotPulledForDays,
                },
                action: { type: "expire" },
            },
        ],
    };
}
