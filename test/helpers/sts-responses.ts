// STS AssumeRole responses for tests that mock STS with aws-sdk-client-mock (shaped like the STS API reference's
// example): the n-th role's session has access key ASIAROLE<n>.
export function assumedRole(n: number, account = "123456789012") {
    return {
        Credentials: {
            AccessKeyId: `ASIAROLE${n}`,
            SecretAccessKey: `secret-${n}`,
            SessionToken: `token-${n}`,
            Expiration: new Date(Date.now() + 3600_000),
        },
        AssumedRoleUser: {
            AssumedRoleId: `AROA${n}:omics-registry-maps`,
            Arn: `arn:aws:sts::${account}:assumed-role/role-${n}/omics-registry-maps`,
        },
    };
}
