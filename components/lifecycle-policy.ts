// The lifecycle policy every pull-through cache repository is created with, so cached images don't pile up.
// Rule parameters: ECR User Guide lifecycle_policy_parameters.html (countType sinceImagePulled, tagStatus any last).
import { LifecycleSettings } from "../config/types";

export interface LifecycleRule {
    rulePriority: number;
    description: string;
    selection: { tagStatus: "untagged" | "any"; countType: "sinceImagePushed" | "sinceImagePulled"; countUnit: "days"; countNumber: number };
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
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images ${settings.expireUntaggedAfterDays} days after they were cached`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: settings.expireUntaggedAfterDays },
                action: { type: "expire" },
            },
            {
                // A rule with tagStatus "any" must have the highest rulePriority (lifecycle_policy_parameters.html).
                rulePriority: 2,
                description: `Expire images not pulled for ${settings.expireNotPulledForDays} days; the cache fetches them again on the next pull`,
                selection: { tagStatus: "any", countType: "sinceImagePulled", countUnit: "days", countNumber: settings.expireNotPulledForDays },
                action: { type: "expire" },
            },
        ],
    };
}
